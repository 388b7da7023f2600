"""A hard stop (SIGKILL) of `redline ingest --workers 2`: no worker is left running, and a re-run leaves the same
store, events included, as a run that was never stopped."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ECB = Path(__file__).resolve().parents[2] / "shared" / "eval" / "stories" / "ecbplus_dev.jsonl"
ARTICLES = 60

needs_ecb = pytest.mark.skipif(not ECB.is_file(), reason="needs ../shared/eval/stories/ecbplus_dev.jsonl")


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid`, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _ingest(folder: Path, db: Path, **popen):
    env = {**os.environ, "REDLINE_STORY_EMBEDDINGS": "false", "REDLINE_INGEST_BATCH_SIZE": "10"}
    return subprocess.Popen([sys.executable, "-m", "redline", "--db", f"sqlite:///{db}", "ingest", str(folder),
                             "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen)


def _contents(db: Path) -> tuple:
    with sqlite3.connect(db) as connection:
        articles = sorted(connection.execute("select id, duplicate_of from articles"))
        coded = sorted(row[0] for row in connection.execute("select article_id from coded_articles"))
        events = sorted(connection.execute("select article_id, event from events"))
    return articles, coded, events


@needs_ecb
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_ingest_leaves_no_worker_and_a_rerun_matches_a_clean_run(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    with ECB.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    for number, text in enumerate(texts[:ARTICLES]):
        (folder / f"{number:03d}.txt").write_text(text, encoding="utf-8")
        if number % 4 == 0:  # a near-duplicate right after its original: which copy is coded must not depend on the stop
            words = text.split(" ")
            words[len(words) // 2] = "however"
            (folder / f"{number:03d}-copy.txt").write_text(" ".join(words), encoding="utf-8")
    # One long document keeps a coder worker busy for seconds: a worker left to finish its task is caught.
    (folder / "000-long.txt").write_text("\n\n".join(texts[ARTICLES:ARTICLES + 150]), encoding="utf-8")
    clean_db = tmp_path / "clean.db"
    assert _ingest(folder, clean_db).wait(timeout=600) == 0

    killed_db = tmp_path / "killed.db"
    process = _ingest(folder, killed_db)
    deadline = time.monotonic() + 300
    workers: set[int] = set()
    # Killed while the coder's forked workers run (they share the parent's command line; the cleaning pool's
    # spawned workers do not): a forked worker holds its own copy of the pool's pipes and never reads their end.
    while time.monotonic() < deadline and process.poll() is None:
        now = _children(process.pid)
        workers |= now
        if any(_cmdline(pid) == _cmdline(process.pid) for pid in now):
            time.sleep(1)  # into the long document
            workers |= _children(process.pid)
            break
        time.sleep(0.05)
    assert process.poll() is None, "the ingest ended before it could be killed: give it more to do"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 3
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not [pid for pid in workers if _alive(pid)], "workers outlived their parent"

    assert _ingest(folder, killed_db).wait(timeout=600) == 0
    articles, coded, events = _contents(clean_db)
    assert sum(bool(duplicate_of) for _, duplicate_of in articles) >= 10  # the copies were folded
    assert _contents(killed_db) == (articles, coded, events)
