"""Worker processes that do not outlive the process that started them, nor keep memory they freed.

A pool's workers are the parent's helpers: when the parent is killed (`kill -9`, the OOM killer) nothing else
would stop them. On Linux each worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), and
checks at once that the parent is not already gone.

A long job frees most of what it allocates, but glibc keeps the freed blocks in its heaps: a process that embeds
texts of every length (each batch its own tensor shapes) grew from 759 to 1,363 MB over 2,000 pages without
leaking anything, and stayed at 767 MB when it handed the freed pages back after each shard (malloc_trim).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from functools import lru_cache

_PR_SET_PDEATHSIG = 1


@lru_cache(maxsize=1)
def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def return_freed_memory() -> None:
    """Hand the pages the heap holds free back to the system, where the C library can (glibc's malloc_trim);
    elsewhere nothing. Cheap enough to call after every batch of a long job (about 10 ms after an embedding
    batch, for a shard that takes seconds)."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


def die_with_parent(parent_pid: int) -> None:
    """A pool initializer: `Pool(n, initializer=die_with_parent, initargs=(os.getpid(),))`."""
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc is not None:  # with no libc to ask, the parent check below still catches a parent already gone
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request took hold
