"""Benchmark of the watch: evaluation cost with 50 indicators over 1M stored events, and replay speed.

Synthetic load (fixed seed): 1M events in 100k articles from 200 outlets over a year (one article in ten a wire
copy of an earlier one), PLOVER types, 40 countries, every modality, troop figures in some, keywords in the
sentences; a watchlist of 50 generated indicators (every measure: occurred, sources, quantity, count) and a
five-stage ladder over them. Figures:

- start_s, watcher_rss_mb: a Watcher reading the store (the events some indicator could match, filtered in the
  database by type and party codes) and matching them; the memory its evidence takes;
- evaluate_ms: reading every indicator again at a moment (ageing), on demand, as `redline board` does;
- observe_us_per_event (mean, p95 per ingest batch of 50 articles): new articles' events taken in incrementally,
  as ingest does, including the store writes of history and alerts;
- incremental_matches_full: 1.0 when the incremental states equal a fresh Watcher's full reading (the check that
  incremental evaluation is not an approximation);
- replay_articles_per_s: `redline replay` of ECB+ dev articles (given dates an hour apart) with the shipped
  watchlist: ingest, clean, copies, stories, events and the watch, in publication order.

Usage: python benchmarks/watch.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from common import EVAL, ROOT, Timer, finish, peak_rss_mb
from sqlalchemy import insert

from redline.records import MODALITIES
from redline.settings import Settings
from redline.store import Store
from redline.store.schema import articles, coded_articles, events
from redline.watch import Watcher, load_watchlist

SEED = 7
TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
COUNTRIES = ["PRK", "KOR", "RUS", "UKR", "USA", "CHN", "JPN", "IRN", "ISR", "SYR", "TUR", "DEU", "FRA", "GBR", "POL",
             "IND", "PAK", "AFG", "IRQ", "SAU", "YEM", "EGY", "LBY", "SDN", "ETH", "SOM", "NGA", "MLI", "VEN", "COL",
             "BRA", "MEX", "CUB", "TWN", "PHL", "VNM", "MMR", "BLR", "GEO", "ARM"]
WORDS = ["troops", "satellite", "missile", "nuclear", "drone", "artillery", "border", "talks", "sanctions", "aid",
         "ceasefire", "protest", "election", "oil", "grain", "refugees", "cyber", "navy", "summit", "embargo"]
START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def synthetic_store(url: str, n_events: int, rng: random.Random) -> Store:
    """A real store (a database URL: SQLite or PostgreSQL) holding n_events events, written straight into its
    tables in large batches."""
    store = Store(url, settings=Settings())
    n_articles = max(1, n_events // 10)
    outlets = [f"Outlet {i}" for i in range(200)]
    with store.engine.begin() as connection:
        article_rows, event_rows, coded_rows = [], [], []
        for a in range(n_articles):
            aid = f"a{a:031d}"
            published = START + timedelta(minutes=a * 525600 // n_articles)
            article_rows.append({"id": aid, "url": None, "outlet": rng.choice(outlets), "title": f"t{a}",
                                 "published": published, "updated": None, "authors": [], "language": "en",
                                 "text": "x", "paragraphs": ["x"], "origin": aid, "raw_sha": None, "cleaner": "bench",
                                 "ingested_at": published, "version_of": None, "duplicate_of": None,
                                 "derived_from": f"a{rng.randrange(a):031d}" if a and rng.random() < 0.1 else None,
                                 "shared_passages": None, "story_id": None})
            coded_rows.append({"article_id": aid, "coder": "bench", "events": 10, "coded_at": published})
            for seq in range(10):
                event_rows.append(_event_row(aid, seq, rng))
            if len(event_rows) >= 50_000:
                _flush(connection, article_rows, event_rows, coded_rows)
        _flush(connection, article_rows, event_rows, coded_rows)
    return store


def _flush(connection, article_rows, event_rows, coded_rows) -> None:
    for table, rows in ((articles, article_rows), (events, event_rows), (coded_articles, coded_rows)):
        if rows:
            connection.execute(insert(table), rows)
            rows.clear()


def _event_row(article_id: str, seq: int, rng: random.Random) -> dict:
    actor, recipient = rng.sample(COUNTRIES[:12] if rng.random() < 0.7 else COUNTRIES, 2)
    words = rng.sample(WORDS, 3)
    quantities = ([{"value": float(rng.choice([50, 300, 1500, 3000, 12000])), "unit": "troops", "what": actor,
                    "text": "troops"}] if "troops" in words else [])
    modality = rng.choices(MODALITIES[:10], weights=[40, 25, 6, 4, 5, 3, 4, 6, 4, 3])[0]  # the ten it was built on
    return {"article_id": article_id, "seq": seq, "event": rng.choice(TYPES), "mode": None, "context": [],
            "actor": [{"text": actor, "code": actor, "sector": None}],
            "recipient": [{"text": recipient, "code": recipient, "sector": None}],
            "actor_codes": f" {actor} ", "recipient_codes": f" {recipient} ", "modality": modality,
            "condition": None, "quantities": quantities, "quote": None, "cameo": "000",
            "sentence": f"{actor} and {recipient}: {' '.join(words)}.", "start": 0, "end": 10, "trigger": "x",
            "trigger_start": 0, "hearsay": int(modality == "reported"), "future": 0, "place": None, "date": None,
            "action": None}


def synthetic_watchlist(path: Path, rng: random.Random, n: int = 50) -> Path:
    indicators = []
    for i in range(n):
        kind = ["occurred", "sources", "quantity", "count"][i % 4]
        match = {"events": rng.sample(TYPES, 2), "actors": rng.sample(COUNTRIES[:12], 2)}
        if i % 3 == 0:
            match["recipients"] = rng.sample(COUNTRIES[:12], 3)
        if kind == "quantity":
            match["keywords"] = ["troops"]
        elif i % 2:
            match["keywords"] = rng.sample(WORDS, 2)
        measure = {"kind": kind, **({"unit": "troops"} if kind == "quantity" else {}),
                   **({"window_days": 30} if kind == "count" else {})}
        thresholds = {"occurred": {"watch": {"modalities": ["feared", "considered"]}, "warning": {},
                                   "crossed": {"sources": 2, "modalities": ["asserted", "reported"]}},
                      "sources": {"watch": 1, "warning": 3, "crossed": 6},
                      "quantity": {"watch": {}, "warning": 1000, "crossed": {"value": 10000, "sources": 2}},
                      "count": {"watch": 2, "warning": 10, "crossed": 30}}[kind]
        indicators.append({"id": f"i{i}", "question": f"indicator {i}?", "match": match, "measure": measure,
                           "thresholds": thresholds, "half_life_days": rng.choice([None, 7, 30, 90])})
    stages = [{"level": 0, "name": "calm"}] + [
        {"level": s, "name": f"stage {s}",
         "when": " or ".join(f"i{j} >= {['watch', 'warning', 'crossed', 'crossed'][s - 1]}"
                             for j in rng.sample(range(n), 3))} for s in range(1, 5)]
    path.write_text(yaml.safe_dump({"id": "bench", "problem": "synthetic", "indicators": indicators,
                                    "stages": stages}))
    return path


def new_articles(store: Store, rng: random.Random, count: int, first: int, when: datetime) -> list[str]:
    """Store `count` new articles of 10 events each, as ingest would; returns their ids."""
    ids = []
    with store.engine.begin() as connection:
        article_rows, event_rows, coded_rows = [], [], []
        for a in range(first, first + count):
            aid = f"n{a:031d}"
            ids.append(aid)
            article_rows.append({"id": aid, "url": None, "outlet": f"Outlet {rng.randrange(200)}", "title": "n",
                                 "published": when, "updated": None, "authors": [], "language": "en", "text": "x",
                                 "paragraphs": ["x"], "origin": aid, "raw_sha": None, "cleaner": "bench",
                                 "ingested_at": when, "version_of": None, "duplicate_of": None,
                                 "derived_from": None, "shared_passages": None, "story_id": None})
            coded_rows.append({"article_id": aid, "coder": "bench", "events": 10, "coded_at": when})
            event_rows += [_event_row(aid, seq, rng) for seq in range(10)]
        _flush(connection, article_rows, event_rows, coded_rows)
    return ids


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def replay_speed(folder: Path, n_articles: int) -> dict:
    from redline.pipeline import run_replay

    lines = [json.loads(line) for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open()][:n_articles]
    archive = folder / "archive.jsonl"
    with archive.open("w") as out:
        for i, item in enumerate(lines):
            date = START + timedelta(hours=i)
            out.write(json.dumps({"id": item["id"], "text": item["text"], "date": date.isoformat(),
                                  "outlet": f"Outlet {i % 17}"}) + "\n")
    store = Store(f"sqlite:///{folder / 'replay.db'}", settings=Settings())
    shipped = load_watchlist(ROOT / "watchlists" / "korea-ukraine-aid.yaml")
    with Timer() as timer:
        summary, raised = run_replay([str(archive)], store, lambda s: Watcher(shipped, s), settings=Settings())
    store.close()
    return {"replay_articles": summary.stored, "replay_s": round(timer.seconds, 2),
            "replay_articles_per_s": round(summary.stored / timer.seconds, 2), "replay_alerts": len(raised)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    args = parser.parse_args()
    n_events = 20_000 if args.smoke else 1_000_000
    rng = random.Random(SEED)
    figures: dict = {"stored_events": n_events, "indicators": 50}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with Timer() as timer:
            store = synthetic_store(f"sqlite:///{folder / 'watch.db'}", n_events, rng)
        figures["build_s"] = round(timer.seconds, 1)
        watchlist = load_watchlist(synthetic_watchlist(folder / "bench.yaml", rng))
        before = current_rss_mb()
        with Timer() as timer:
            watcher = Watcher(watchlist, store)
        figures["start_s"] = round(timer.seconds, 2)
        figures["watcher_rss_mb"] = round(current_rss_mb() - before, 1)
        figures["evidence_held"] = sum(len(b) for b in watcher.support.values()) + sum(
            len(b) for b in watcher.counter.values())
        as_of = START + timedelta(days=366)
        with Timer() as timer:
            watcher.evaluate(as_of)
        figures["evaluate_ms"] = round(timer.seconds * 1000, 1)
        per_event = []
        batches = 10 if args.smoke else 40
        for batch in range(batches):
            when = as_of + timedelta(hours=batch)
            ids = new_articles(store, rng, 50, batch * 50, when)
            with Timer() as timer:
                watcher.observe(ids, as_of=when)
            per_event.append(timer.seconds * 1e6 / 500)
        figures["observe_us_per_event"] = round(statistics.mean(per_event), 1)
        figures["observe_us_per_event_p95"] = round(sorted(per_event)[int(0.95 * (len(per_event) - 1))], 1)
        fresh = Watcher(watchlist, store)
        final = when
        incremental = {s.indicator: s.key() for s in watcher.evaluate(final).indicators}
        full = {s.indicator: s.key() for s in fresh.evaluate(final).indicators}
        figures["incremental_matches_full"] = float(incremental == full)
        store.close()
        figures.update(replay_speed(folder, 20 if args.smoke else 200))
    figures["peak_rss_mb"] = peak_rss_mb()
    finish("watch", figures, args.smoke)


if __name__ == "__main__":
    main()
