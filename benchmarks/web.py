"""Benchmark of the report and web stages: brief building and rendering, and page and API latency.

The store: ECB+ dev articles (dates an hour apart, 17 outlets) and the two seeds, ingested with the shipped
watchlist. Figures:

- brief_s / brief_md_kb / brief_pdf_s: building the brief over every story, rendering Markdown, printing PDF;
- cited_share: the share of the brief's fact lines (a quotation mark in a list item) that carry a citation
  (outlet and date in brackets): 1.0 is the promise that nothing is said on no one's word;
- p50/p95 latency per page and API route (uvicorn on 127.0.0.1, httpx, 20 sequential requests each); a story
  page is kept once told, so story_first_read_p50_ms times the first read of ten other stories.

Usage: python benchmarks/web.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from common import EVAL, ROOT, Timer, finish, peak_rss_mb

from redline.pipeline import run_ingest
from redline.report import build_brief, render, write_pdf
from redline.settings import Settings
from redline.stories.features import default_embedder
from redline.store import Store
from redline.watch import Watcher, load_watchlist
from redline.web import create_app, running

WATCHLIST = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
START = datetime(2024, 10, 1, tzinfo=timezone.utc)
CITED = re.compile(r"\[[^\]]+, (\d{4}-\d{2}-\d{2}|undated)\]")


def archive(folder: Path, n_articles: int) -> Path:
    lines = [json.loads(line) for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open()][:n_articles]
    path = folder / "archive.jsonl"
    with path.open("w") as out:
        for i, item in enumerate(lines):
            out.write(json.dumps({"text": item["text"], "date": (START + timedelta(hours=i)).isoformat(),
                                  "outlet": f"Outlet {i % 17}", "url": f"https://outlet{i % 17}.example/{i}"}) + "\n")
    return path


def latency(base: str, path: str, repeats: int) -> tuple[float, float]:
    with httpx.Client(timeout=120) as client:
        client.get(base + path).raise_for_status()  # warm: first use loads models and caches
        times = sorted(_timed_get(client, base + path) for _ in range(repeats))
    return round(statistics.median(times), 1), round(times[int(0.95 * (len(times) - 1))], 1)


def first_reads(base: str, paths: list[str]) -> float:
    """Median time of the first read of each page (nothing cached for it yet; models already loaded)."""
    with httpx.Client(timeout=120) as client:
        times = [_timed_get(client, base + path) for path in paths]
    return round(statistics.median(times), 1) if times else 0.0


def _timed_get(client: httpx.Client, url: str) -> float:
    """Milliseconds for one GET that must succeed."""
    start = time.perf_counter()
    client.get(url).raise_for_status()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        settings = Settings(db_url=f"sqlite:///{folder / 'redline.db'}")
        store = Store.open(settings)
        watchlist = load_watchlist(WATCHLIST)
        run_ingest([str(archive(folder, 20 if args.smoke else 200)), str(ROOT / "examples")], store,
                   settings=settings, watchers=[Watcher(watchlist, store)])
        figures["articles"] = store.counts()["articles"]
        board = Watcher(watchlist, store).evaluate(store.newest_published())
        with Timer() as timer:
            brief = build_brief(store, boards=[board], embed=default_embedder().embed)
            text = render(brief, "md")
        figures["brief_s"] = round(timer.seconds, 2)
        figures["brief_stories"] = len(brief.stories)
        figures["brief_md_kb"] = round(len(text.encode()) / 1024, 1)
        fact_lines = [line for line in text.split("## Stories", 1)[1].splitlines()
                      if line.lstrip().startswith("- ") and "“" in line]
        figures["cited_share"] = round(sum(bool(CITED.search(line)) for line in fact_lines) / max(len(fact_lines), 1), 3)
        with Timer() as timer:
            write_pdf(brief, folder / "brief.pdf")
        figures["brief_pdf_s"] = round(timer.seconds, 2)
        shared = [s["id"] for s in store.stories(limit=None) if s["size"] > 1]
        story = shared[0]
        article = store.articles(limit=1)[0].id
        store.close()

        routes = {"board": "/?as_of=latest", "stories": "/stories", "story": f"/stories/{story}",
                  "events": "/events", "article": f"/articles/{article}", "api_events": "/api/events?limit=500",
                  "api_board": "/api/board?as_of=latest"}
        repeats = 5 if args.smoke else 20
        with running(create_app(settings, [WATCHLIST])) as base:
            for name, path in routes.items():
                p50, p95 = latency(base, path, repeats)
                figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"] = p50, p95
            figures["story_first_read_p50_ms"] = first_reads(base, [f"/stories/{s}" for s in shared[1:11]])
    figures["peak_rss_mb"] = peak_rss_mb()
    finish("web", figures, args.smoke)


if __name__ == "__main__":
    main()
