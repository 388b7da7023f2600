"""What every benchmark shares: where the evaluation data is, timing, peak memory, the floors file, the JSON line."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REDLINE_SHARED", ROOT.parent / "shared"))
EVAL = SHARED / "eval"
FLOORS = Path(__file__).with_name("floors.json")


def half_of(text: str) -> str:
    """Which half of one of our own sets a sentence is in, by a hash of its text: errors of "a" may be read
    while a reader is developed, "b" is only ever scored."""
    return "a" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "b"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def status_mb(status: Path, field: str) -> float:
    """A memory figure of a process's /proc status (VmRSS now, VmHWM its peak), in MB (Linux reports kB)."""
    for line in status.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def growth_after_first_tenth(readings: list[float]) -> dict:
    """Resident memory read after each step of a long run: from the end of the first tenth (models loaded, caches
    warm) to the end, the figure every memory trajectory reports."""
    settled = readings[max(0, len(readings) // 10 - 1)]
    return {"rss_settled_mb": settled, "rss_end_mb": readings[-1], "rss_growth": round(readings[-1] / settled - 1, 3)}


def json_from_child(arguments: list[str], what: str) -> dict:
    """Run this benchmark's script again in a process of its own (its memory is that run's alone) and return the
    JSON of its last line; a failed run raises with its stderr."""
    done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Timer:
    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start


def check_floors(name: str, figures: dict, smoke: bool) -> list[str]:
    """Scores below the committed floors, as messages; empty when every floor holds."""
    floors = json.loads(FLOORS.read_text()).get(name, {}).get("smoke" if smoke else "full", {})
    return [f"{key} = {figures.get(key)} is below its floor {floor}"
            for key, floor in floors.items() if figures.get(key) is None or figures[key] < floor]


def finish(name: str, figures: dict, smoke: bool) -> None:
    """Print the figures as the last line of JSON; exit 1 if a floor is broken."""
    failures = check_floors(name, figures, smoke)
    for failure in failures:
        print(f"FLOOR BROKEN: {failure}", file=sys.stderr)
    print(json.dumps({"benchmark": name, "smoke": smoke, **figures, "floors_ok": not failures}))
    sys.exit(1 if failures else 0)
