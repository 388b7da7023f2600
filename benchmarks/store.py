"""Benchmark of the store: SQLite and PostgreSQL side by side on the same work.

- ingest: `run_ingest` of ECB+ dev articles (real news texts, given dates an hour apart, 17 outlets) with the
  shipped watchlist: clean, copies, stories, events and the watch, on each backend;
- bulk: 10,000 articles with 10 events each written straight into the tables (the watch benchmark's synthetic
  load), on each backend;
- board: over that store, a Watcher with 50 generated indicators starting (reading the events some indicator
  could match, filtered in the database) and evaluating, as `redline board` does; best of three.

PostgreSQL is a server the benchmark starts in a temporary folder (tests/pg_testing.py); without Debian's
postgresql package its figures are null and `postgres` says why.

Usage: python benchmarks/store.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from common import EVAL, ROOT, Timer, finish
from watch import SEED, START, synthetic_store, synthetic_watchlist

from redline.pipeline import run_ingest
from redline.settings import Settings
from redline.store import Store
from redline.watch import Watcher, load_watchlist

sys.path.insert(0, str(ROOT / "tests"))
import pg_testing  # noqa: E402 - the tests' own throw-away server

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"


def ecb_articles(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "ecbplus.jsonl"
    lines = [json.loads(line) for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open()][:n]
    with path.open("w") as out:
        for i, item in enumerate(lines):
            out.write(json.dumps({"id": item["id"], "text": item["text"], "outlet": f"Outlet {i % 17}",
                                  "date": (START + timedelta(hours=i)).isoformat()}) + "\n")
    return path


def ingest_rate(url: str, inputs: Path) -> tuple[float, tuple[int, int]]:
    settings = Settings(db_url=url)
    store = Store.open(settings)
    try:
        with Timer() as timer:
            summary = run_ingest([str(inputs)], store, settings=settings,
                                 watchers=[Watcher(load_watchlist(SHIPPED), store)])
        kept = (store.counts().get("articles", 0), store.event_count())
    finally:
        store.close()
    return round(summary.stored / timer.seconds, 1), kept


def bulk_and_board(url: str, n_events: int, watchlist_path: Path) -> dict:
    with Timer() as build:
        store = synthetic_store(url, n_events, random.Random(SEED))
    watchlist = load_watchlist(watchlist_path)
    starts, evaluations = [], []
    try:
        for _ in range(3):
            with Timer() as start:
                watcher = Watcher(watchlist, store)
            with Timer() as evaluate:
                watcher.evaluate(START + timedelta(days=366))
            starts.append(start.seconds)
            evaluations.append(evaluate.seconds)
    finally:
        store.close()
    return {"bulk_events_per_s": round(n_events / build.seconds), "board_start_ms": round(min(starts) * 1000, 1),
            "board_evaluate_ms": round(min(evaluations) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    args = parser.parse_args()
    n_ingest, n_events = (40, 20_000) if args.smoke else (496, 100_000)
    figures: dict = {"ingest_articles": n_ingest, "bulk_articles": n_events // 10, "bulk_events": n_events}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        inputs = ecb_articles(folder, n_ingest)
        watchlist = synthetic_watchlist(folder / "bench.yaml", random.Random(SEED))
        # The coder's and the embedder's models load once per process: paid before the clock, so that the first
        # backend timed does not carry them.
        ingest_rate(f"sqlite:///{folder / 'warm-up.db'}", ecb_articles(folder / "warm", 3))
        server = pg_testing.Server.start()
        figures["postgres"] = "a PostgreSQL 15 server on 127.0.0.1" if server else pg_testing.MISSING
        try:
            backends = {"sqlite": lambda name: f"sqlite:///{folder / name}.db"}
            if server:
                backends["postgres"] = lambda name: server.new_database()
            kept = {}
            for backend, new_url in backends.items():
                figures[f"{backend}_ingest_articles_per_s"], kept[backend] = ingest_rate(new_url("ingest"), inputs)
                for key, value in bulk_and_board(new_url("bulk"), n_events, watchlist).items():
                    figures[f"{backend}_{key}"] = value
            # The same articles and events on both: the backend changes nothing but the speed.
            figures["backends_agree"] = int(len(set(kept.values())) == 1)
            figures["stored_articles_events"] = kept["sqlite"]
        finally:
            if server:
                server.stop()
    for key, value in figures.items():
        print(f"{key:>32}: {value}", file=sys.stderr)
    finish("store", figures, args.smoke)


if __name__ == "__main__":
    main()
