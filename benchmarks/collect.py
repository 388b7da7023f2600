"""Benchmark of the collector: items per second from a local feed farm, and memory over 10,000 items.

A farm of 20 RSS feeds on 127.0.0.1 (each listing its 50 newest entries, summary only, so every item's page is
fetched) grows by 10 entries per feed per round; the collector polls every feed each round (conditional GET,
robots.txt, the per-host gap set to 0 for the farm) until 10,000 items are stored. The pipeline runs as
`redline collect` runs it, with event coding and sentence embeddings off (they are measured by their own
benchmarks): fetch, clean, copies, stories, store. Figures: items/s, polls that were 304, and the process's
resident memory after the first 1,000 items and at the end (flat means no growth with items seen).

Usage: python benchmarks/collect.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import Timer, finish, peak_rss_mb

from redline.collect import Collector, SourceList
from redline.settings import Settings
from redline.store import Store

FEEDS, PER_ROUND, LISTED = 20, 10, 50
WORDS = ("harbour council budget pier crane dredging storm season engineers fishermen berth ships district "
         "officials plan winter coast tide cargo ferry").split()


def page(feed: int, number: int) -> bytes:
    # Distinct text per item (a different mix of words and numbers), long enough to be an article.
    words = [WORDS[(feed * 7 + number * 3 + i * i) % len(WORDS)] for i in range(180)]
    sentences = [" ".join(words[i:i + 12]).capitalize() + f" {feed}-{number}-{i}." for i in range(0, 180, 12)]
    body = "".join(f"<p>{' '.join(sentences[i:i + 3])}</p>" for i in range(0, len(sentences), 3))
    return (f"<html><head><title>Item {feed}-{number}</title></head><body><article><h1>Item {feed}-{number}</h1>"
            f"{body}</article></body></html>").encode()


class Farm(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.size = {f: 0 for f in range(FEEDS)}
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def feed(self, f: int) -> bytes:
        newest = self.size[f]
        items = "".join(f"<item><title>Item {f}-{n}</title><link>{self.base}/page/{f}/{n}</link>"
                        f"<guid>{self.base}/page/{f}/{n}</guid><description>Summary.</description></item>"
                        for n in range(newest, max(newest - LISTED, 0), -1))
        return f'<rss version="2.0"><channel><title>Farm {f}</title>{items}</channel></rss>'.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stalls

    def do_GET(self):  # noqa: N802
        farm: Farm = self.server
        parts = self.path.strip("/").split("/")
        if parts[0] == "feed":
            f = int(parts[1].removesuffix(".xml"))
            etag = f'"{f}-{farm.size[f]}"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", etag)
            return self.send(200, farm.feed(f), etag, "application/rss+xml")
        if parts[0] == "page":
            return self.send(200, page(int(parts[1]), int(parts[2])), None, "text/html; charset=utf-8")
        return self.send(404, b"", None)

    def send(self, status, body, etag, content_type="text/plain"):
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def current_rss_mb() -> float:
    import os

    with open("/proc/self/statm") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small run for CI")
    args = parser.parse_args()
    target = 400 if args.smoke else 10_000
    farm = Farm()
    threading.Thread(target=farm.serve_forever, daemon=True).start()
    figures: dict = {"feeds": FEEDS}
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(db_url=f"sqlite:///{Path(scratch) / 'redline.db'}", code_events=False,
                            story_embeddings=False, story_memory=2000)
        store = Store.open(settings)
        listed = SourceList.model_validate({
            "sources": [{"name": f"farm-{f}", "url": f"{farm.base}/feed/{f}.xml", "allow_private": True}
                        for f in range(FEEDS)], "min_host_gap_s": 0})
        collector = Collector(store, settings, listed)
        stored = polls = not_modified = 0
        rss_at_1k = None
        with Timer() as timer:
            round_number = 0
            while stored < target:
                round_number += 1
                for f in range(FEEDS):
                    if round_number % 2 or f % 2:  # half the feeds are quiet every other round: 304s
                        farm.size[f] += PER_ROUND
                for source in listed.sources:
                    state = collector.poll(source)
                    polls += 1
                    not_modified += state["last_status"] == "304"
                stored = store.counts()["articles"]
                if rss_at_1k is None and stored >= 1000:
                    rss_at_1k = current_rss_mb()
        collector.close()
        figures.update(items=stored, seconds=round(timer.seconds, 1), items_per_s=round(stored / timer.seconds, 1),
                       polls=polls, not_modified=not_modified,
                       failed_items=store.counts().get("items_failed", 0),
                       rss_at_1k_mb=rss_at_1k, rss_end_mb=current_rss_mb())
        store.close()
    farm.shutdown()
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["no_failures"] = float(figures["failed_items"] == 0)
    finish("collect", figures, args.smoke)


if __name__ == "__main__":
    main()
