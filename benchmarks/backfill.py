"""Benchmark of backfills: `redline backfill` on Ray beside the plain `ingest --workers`, on synthetic CC-NEWS shards.

The shards are gzipped WARCs of HTTP responses, as CC-NEWS ships them, made from the shared corpora: the 181
ScrapingHub pages as crawled, and the ECB+ dev texts as news pages (title, date, paragraphs), cycled to the size
wanted with a changed closing line each cycle; one record in twenty is an exact re-crawl of an earlier one.

- speed: articles/s through read -> clean -> embed -> code -> store with 1 and 2 Ray workers, and the same archive
  through `run_ingest` with 1 and 2 cleaning processes (the coder runs in the driver there); each Ray figure also
  without the workers' start (loading spaCy, the coder and the embedder), and the story pass timed on its own;
- scaling efficiency: rate(2 workers) / (2 x rate(1 worker)), measured without the start;
- memory: peak RSS of the driver and of each worker, events on, as the archive grows (each size in a process of
  its own, so that each peak is its own); the workers' peaks are read from /proc while they run; and one worker's
  resident memory after each shard over a longer archive (growth from the end of its first tenth to the end).

Usage: python benchmarks/backfill.py [--smoke]   (last line: JSON figures)
       python benchmarks/backfill.py --long PAGES [--no-events]   (one worker over a streamed archive; memory every 1,000 pages)
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import random
import sys
import tempfile
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import EVAL, Timer, finish, growth_after_first_tenth, json_from_child, peak_rss_mb, status_mb
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

START = datetime(2024, 10, 1, tzinfo=timezone.utc)
# CC-NEWS files hold ~30,000 pages; here shards are small, so that two workers share a small archive evenly.
PER_SHARD = 20
RECRAWL_SHARE = 0.05
RECRAWL_WINDOW = 5000


def base_pages() -> list[tuple[str, bytes]]:
    """(url, html) of every page the synthetic archive is cycled from."""
    pages = []
    for path in sorted((EVAL / "extraction" / "scrapinghub" / "html").glob("*.html.gz")):
        pages.append((f"https://scrapinghub.example/{path.name[:16]}", gzip.decompress(path.read_bytes())))
    for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open():
        item = json.loads(line)
        pages.append((f"https://ecb.example/{item['id']}", _news_page(item["text"])))
    return pages


def _news_page(text: str) -> bytes:
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines[0].split(".")[0][:90]
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
            f"<p>CLOSING</p></article></body></html>").encode()


def crawl(n_articles: int, rng: random.Random):
    """(url, html, when) of n_articles records in crawl order, dated an hour apart with some disorder. Made one at
    a time, so that an archive of any size streams: a re-crawl repeats one of the last RECRAWL_WINDOW records,
    kept as (page, cycle, when) so that the window holds no page's text (a window of 5,000 pages would be
    ~250 MB in the process measured)."""
    pages, recent = base_pages(), deque(maxlen=RECRAWL_WINDOW)
    rng.shuffle(pages)  # heavy crawled pages and light news texts mixed in every shard
    for number in range(n_articles):
        if recent and rng.random() < RECRAWL_SHARE:
            record = recent[rng.randrange(len(recent))]  # the same page crawled again
        else:
            record = (number % len(pages), number // len(pages), START + timedelta(hours=number + rng.randint(-6, 6)))
        recent.append(record)
        page, cycle, when = record
        yield (*_version(pages[page], cycle), when)


def _version(page: tuple[str, bytes], cycle: int) -> tuple[str, bytes]:
    """Another day's version of the page (its closing line changes), for every cycle through the pages."""
    url, html = page
    if cycle:
        html = html.replace(b"CLOSING", f"Updated on day {cycle} of the crisis.".encode()).replace(
            b"</body>", f"<p>Correction {cycle}: an earlier version misstated a figure.</p></body>".encode(), 1)
    return f"{url}?v={cycle}", html


def write_shard(path: Path, records) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, html, when in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html), length=len(html),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
            writer.write_record(record)
    return path


def stream_shards(folder: Path, n_articles: int, rng: random.Random, per_shard: int = PER_SHARD):
    """The archive's shards, written one at a time as they are asked for (CC-NEWS-00000.warc.gz, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = crawl(n_articles, rng)
    for number in itertools.count():
        chunk = list(itertools.islice(records, per_shard))
        if not chunk:
            return
        yield write_shard(folder / f"CC-NEWS-{number:05d}.warc.gz", chunk)


def make_shards(folder: Path, n_articles: int, rng: random.Random, per_shard: int = PER_SHARD) -> list[Path]:
    return list(stream_shards(folder, n_articles, rng, per_shard))


class WorkerPeaks:
    """Peak RSS (VmHWM) of every Ray worker process (its command line names the map worker), read from /proc
    every half second while the backfill runs."""

    def __init__(self):
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.is_set():
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if b"MapWorker" not in (entry / "cmdline").read_bytes():
                        continue
                    peak = status_mb(entry / "status", "VmHWM")  # 0 for a worker already gone (no memory)
                    if peak:
                        self.peaks[int(entry.name)] = max(self.peaks.get(int(entry.name), 0), peak)
                except OSError:
                    continue
            self._stop.wait(0.5)


def one_run(shards: Path, workers: int, mode: str, events: bool = True) -> dict:
    """One backfill (mode "ray") or ingest (mode "ingest") of the shards into a fresh SQLite store."""
    from redline.settings import Settings
    from redline.store import Store

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(db_url=f"sqlite:///{scratch}/bench.db")
        store = Store.open(settings)
        if mode == "ingest":
            from redline.pipeline import run_ingest

            with Timer() as total:
                summary = run_ingest([str(shards)], store, settings=settings, workers=workers)
            return {"articles": summary.stored + summary.duplicate, "seconds": round(total.seconds, 2),
                    "driver_peak_mb": peak_rss_mb()}
        from redline.backfill import run_backfill, start_ray

        with Timer() as boot:
            start_ray(workers=workers)
        stored_at = []  # (when, items stored so far), after each chunk
        began = time.perf_counter()
        with WorkerPeaks() as peaks:
            summary = run_backfill([str(shards)], store, settings=settings, workers=workers, code_events=events,
                                   on_stored=lambda items: stored_at.append((time.perf_counter(), items)))
        ended = time.perf_counter()
        # Steady rate: from the first chunk stored to the last, that chunk's items left out (the workers' start,
        # loading spaCy, the coder and the embedder, is in the first chunk's time).
        (first_at, first_items), (last_at, last_items) = stored_at[0], stored_at[-1]
        steady = (last_items - first_items) / (last_at - first_at) if last_at > first_at else None
        return {"articles": summary.items, "seconds": round(ended - began, 2), "ray_start_s": round(boot.seconds, 2),
                "first_chunk_s": round(first_at - began, 2),
                "steady_articles_per_s": round(steady, 1) if steady else None,
                "story_pass_articles_per_s": round(summary.placed / (ended - last_at), 1),
                "driver_peak_mb": peak_rss_mb(), "worker_peaks_mb": sorted(round(v, 1) for v in peaks.peaks.values())}


def worker_trajectory(shards, events: bool, log_every: int = 0) -> dict:
    """One worker's resident memory (VmRSS) after each shard: the real ShardWorker, in this process, without
    Ray. A peak says how large one shard's page got; this says whether the worker keeps what it freed.
    shards: a folder of shards, or an iterable of shard paths (a streamed archive: each is deleted once read)."""
    from redline.backfill import ShardWorker
    from redline.settings import Settings

    streamed = not isinstance(shards, Path)
    paths = shards if streamed else sorted(shards.rglob("*.warc.gz"))
    with tempfile.TemporaryDirectory() as scratch:
        worker = ShardWorker(Settings(db_url=f"sqlite:///{scratch}/unused.db"), code_events=events, embed=True)
        after: list[tuple[int, float]] = []  # (items so far, MB)
        items, began, next_log = 0, time.perf_counter(), log_every
        for shard in paths:
            for rows in worker({"path": [str(shard)], "key": [shard.name]}):
                items += sum(1 for total in rows["total"] if total == -1)
            after.append((items, status_mb(Path("/proc/self/status"), "VmRSS")))
            if streamed:
                shard.unlink()
            if log_every and items >= next_log:
                next_log += log_every
                print(f"{items} pages, {after[-1][1]:.1f} MB, {items / (time.perf_counter() - began):.1f} pages/s",
                      file=sys.stderr, flush=True)
    return {"articles": items, **growth_after_first_tenth([mb for _, mb in after]),
            "rss_after_shards_mb": [mb for _, mb in after[:: max(1, len(after) // 10)]]}


def in_child(shards: Path, workers: int, mode: str, events: bool = True) -> dict:
    """one_run in a process of its own: its peak memory is that run's alone, and Ray starts afresh."""
    arguments = [__file__, "--one", str(shards), "--workers", str(workers), "--mode", mode]
    if mode == "trajectory":
        arguments = [__file__, "--trajectory", str(shards)]
    return json_from_child(arguments + ([] if events else ["--no-events"]), f"{mode} with {workers} worker(s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--one", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mode", default="ray")
    parser.add_argument("--no-events", action="store_true")
    parser.add_argument("--trajectory", type=Path)
    parser.add_argument("--long", type=int, metavar="PAGES",
                        help="one worker's memory over an archive of PAGES pages, streamed shard by shard")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.workers, args.mode, events=not args.no_events)))
        return
    if args.trajectory:
        print(json.dumps(worker_trajectory(args.trajectory, events=not args.no_events)))
        return
    if args.long:
        with tempfile.TemporaryDirectory() as scratch:
            shards = stream_shards(Path(scratch), args.long, random.Random(args.long))
            print(json.dumps(worker_trajectory(shards, events=not args.no_events, log_every=1000)))
        return
    # Coding is the cost (~3 pages/s per core on these long pages): the archives are small, events on; memory is
    # also measured with events off over a larger archive (clean + embed, ~10x faster).
    speed_n, coded_ns, uncoded_ns = (40, (), (40, 80)) if args.smoke else (240, (240, 960), (1000, 4000))
    # one worker's memory shard after shard, events off (clean + embed) and on (+ parse and code)
    trajectories = ((80, False),) if args.smoke else ((2000, False), (1600, True))
    modes = ("ray",) if args.smoke else ("ray", "ingest")
    figures: dict = {"articles_speed": speed_n}
    with tempfile.TemporaryDirectory() as scratch:
        speed_shards = Path(scratch) / "speed"
        make_shards(speed_shards, speed_n, random.Random(20241021))
        runs = {}
        for mode in modes:
            for workers in (1, 2):
                runs[(mode, workers)] = run = in_child(speed_shards, workers, mode)
                print(f"{mode} x{workers}: {run}", file=sys.stderr)
        for (mode, workers), run in runs.items():
            figures[f"{mode}_{workers}_articles_per_s"] = round(run["articles"] / run["seconds"], 1)
            if mode == "ray":
                figures[f"ray_{workers}_steady_articles_per_s"] = run["steady_articles_per_s"]
        two = runs[("ray", 2)]
        figures.update(ray_start_s=two["ray_start_s"], first_chunk_s=two["first_chunk_s"],
                       story_pass_articles_per_s=two["story_pass_articles_per_s"])
        figures["scaling_efficiency"] = _efficiency(figures.get("ray_1_steady_articles_per_s"),
                                                    figures.get("ray_2_steady_articles_per_s"))
        figures["scaling_efficiency_with_start"] = _efficiency(figures["ray_1_articles_per_s"],
                                                               figures["ray_2_articles_per_s"])
        if "ingest" in modes:
            figures["ingest_scaling_efficiency"] = _efficiency(figures["ingest_1_articles_per_s"],
                                                               figures["ingest_2_articles_per_s"])
        for label, sizes, events in (("coded", coded_ns, True), ("uncoded", uncoded_ns, False)):
            peaks = []
            for n in sizes:
                folder = Path(scratch) / f"{label}-{n}"
                make_shards(folder, n, random.Random(n))
                run = in_child(folder, 2, "ray", events=events)
                print(f"memory {label} {n}: {run}", file=sys.stderr)
                peaks.append((run["driver_peak_mb"], max(run["worker_peaks_mb"] or [0])))
            if peaks:
                figures[f"memory_{label}_articles"] = list(sizes)
                figures[f"driver_peak_{label}_mb"] = [driver for driver, _ in peaks]
                figures[f"worker_peak_{label}_mb"] = [worker for _, worker in peaks]
                figures[f"driver_growth_{label}"] = round(peaks[-1][0] / peaks[0][0] - 1, 3)
                figures[f"worker_growth_{label}"] = round(peaks[-1][1] / peaks[0][1] - 1, 3)
        for n, events in trajectories:
            folder = Path(scratch) / f"trajectory-{n}"
            make_shards(folder, n, random.Random(n))
            run = in_child(folder, 1, "trajectory", events=events)
            print(f"worker trajectory {n} events {'on' if events else 'off'}: {run}", file=sys.stderr)
            label = "coded" if events else "uncoded"
            figures[f"worker_rss_{label}_articles"] = run["articles"]
            figures[f"worker_rss_{label}_mb"] = [run["rss_settled_mb"], run["rss_end_mb"]]
            figures[f"worker_rss_growth_{label}"] = run["rss_growth"]
    finish("backfill", figures, args.smoke)


def _efficiency(one: float | None, two: float | None) -> float | None:
    return round(two / (2 * one), 2) if one and two else None


if __name__ == "__main__":
    main()
