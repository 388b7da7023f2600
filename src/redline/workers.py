"""Worker processes that do not outlive the process that started them.

A pool's workers are the parent's helpers: when the parent is killed (`kill -9`, the OOM killer) nothing else
would stop them. On Linux each worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), and
checks at once that the parent is not already gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """A pool initializer: `Pool(n, initializer=die_with_parent, initargs=(os.getpid(),))`."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except OSError:
            pass  # no libc to ask: the parent check below still catches a parent already gone
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request took hold
