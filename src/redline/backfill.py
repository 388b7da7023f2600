"""Backfills: archive files by the thousand (CC-NEWS WARC shards, JSONL) through the stages on Ray, resumable.

Ray Data hands each shard to a pool of worker actors — the event coder and the sentence embedder loaded once per
worker — that read, clean, embed and code it and send back its articles a chunk at a time. The driver stores each
chunk as it comes (idempotent writes) and records a shard done once all of it is stored: a backfill started again
reads no shard twice and stores nothing twice. Copies and stories are then decided on the driver in one pass in
publication order — the first report of a text must be the original, and shards are in crawl order, not
publication order — and the watch reads the store as a replay would. docs/backfill.md says why, with figures.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from redline import ingest
from redline.errors import ItemError, ReadError, RedlineError
from redline.pipeline import check_article, clean_or_error, coded_events, make_grouper
from redline.records import RawItem
from redline.settings import Settings
from redline.store import Outcome, Store
from redline.workers import return_freed_memory

# A worker sends a shard back this many items at a time: its memory holds one chunk, not a 1 GB shard.
CHUNK_ITEMS = 200
# Articles the story pass places per transaction.
GROUP_BATCH = 500
# The object store of a local Ray (shared memory): chunks in flight, never the archive.
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024


class BackfillError(RedlineError):
    """A backfill that cannot start: Ray missing or unreachable."""


@dataclass(frozen=True)
class Shard:
    """One archive file; named by its absolute path and size, so a file that grew is read again."""

    path: str
    size: int

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{Path(self.path).resolve()}\0{self.size}".encode()).hexdigest()[:32]


@dataclass
class Item:
    """What a worker made of one item of a shard: what the store writes (an article with its embedding, or an
    error), and the article's events."""

    outcome: Outcome
    events: list[dict] | None = None  # None: not coded here (events off)
    messages: list[str] = field(default_factory=list)  # the coder's notes on this article


@dataclass
class BackfillSummary:
    shards: int = 0
    done_before: int = 0  # shards a previous run finished: not read again
    items: int = 0
    stored: int = 0
    duplicate: int = 0
    failed: int = 0
    events: int = 0
    copies: int = 0  # found in the story pass: near-duplicates of an earlier report, their events removed
    placed: int = 0  # articles the story pass placed in stories
    alerts: int = 0
    errors: list[ItemError] = field(default_factory=list)

    def as_dict(self) -> dict:
        counts = {k: v for k, v in self.__dict__.items() if k != "errors"}
        return {**counts, "errors": [e.as_dict() for e in self.errors]}


def find_shards(sources: list[str]) -> tuple[list[Shard], list[ItemError]]:
    """The local files under the sources, in name order; a URL is refused (fetch the shards first)."""
    documents, missing = ingest.expand(sources)
    shards = []
    for document in documents:
        if document.is_url:
            missing.append(ReadError(document.location, "a backfill reads local files: download the shards first"))
        else:
            shards.append(Shard(document.location, os.path.getsize(document.location)))
    return shards, missing


def process_shard(path: str, settings: Settings, *, coder=None, embedder=None) -> Iterator[list[Item]]:
    """Read, clean, embed and code one shard, CHUNK_ITEMS items at a time."""
    chunk: list[Item] = []
    for raw in ingest.read_shard(path, settings=settings):
        result = clean_or_error(raw, settings)
        sha = raw.content_sha if isinstance(raw, RawItem) else None
        if isinstance(result, ItemError):
            chunk.append(Item(Outcome(origin=result.where, raw_sha=sha, error=result)))
        else:
            chunk.append(Item(Outcome(origin=raw.origin, raw_sha=sha, article=check_article("clean", result),
                                      source_lines=result.source_lines)))
        if len(chunk) >= CHUNK_ITEMS:
            yield _finish(chunk, coder, embedder)
            chunk = []
    if chunk:
        yield _finish(chunk, coder, embedder)


def _finish(chunk: list[Item], coder, embedder) -> list[Item]:
    found = [item for item in chunk if item.outcome.article is not None]
    articles = [item.outcome.article for item in found]
    if embedder is not None and found:
        from redline.stories.grouping import embed_articles

        for item, vector in zip(found, embed_articles(articles, embedder)):
            item.outcome.vector = np.asarray(vector, dtype=np.float32).tobytes()
    if coder is not None and found:
        by_id = {id(item.outcome.article): item for item in found}
        for article, events, messages in coded_events(articles, coder):
            by_id[id(article)].events, by_id[id(article)].messages = events, messages
    return chunk


class ShardWorker:
    """A Ray Data actor: the coder and the embedder are loaded once, then shard after shard goes through."""

    def __init__(self, settings: Settings, code_events: bool, embed: bool):
        from redline.events import Coder
        from redline.stories.features import default_embedder

        self.settings = settings
        self.coder = Coder() if code_events else None
        self.embedder = default_embedder() if embed else None

    def __call__(self, batch: dict) -> Iterator[dict]:
        for path, key in zip(batch["path"], batch["key"]):
            count = 0
            for chunk in process_shard(str(path), self.settings, coder=self.coder, embedder=self.embedder):
                count += len(chunk)
                yield {"shard": [key] * len(chunk), "total": [-1] * len(chunk),
                       "payload": [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in chunk]}
            # The shard's last row carries its item count: the driver knows it has it all when that many came.
            yield {"shard": [key], "total": [count], "payload": [b""]}
            return_freed_memory()  # a worker lives for the whole backfill: it must not keep what a shard freed


def run_backfill(
    sources: list[str],
    store: Store,
    *,
    settings: Settings,
    workers: int | None = None,
    ray_address: str | None = None,
    code_events: bool = True,
    group: bool = True,
    watcher=None,
    parquet: Path | None = None,
    on_shards: Callable[[int, int], None] = lambda done, total: None,
    on_error: Callable[[ItemError], None] = lambda error: None,
    on_placed: Callable[[int], None] = lambda placed: None,
    on_stored: Callable[[int], None] = lambda items: None,
) -> BackfillSummary:
    """Every shard not done yet through read → clean → embed → code on Ray, stored as it comes; then copies and
    stories in publication order, the watch (`watcher`, a watch.Watcher) and Parquet (`parquet`: a folder)."""
    summary = BackfillSummary()
    shards, missing = find_shards(sources)
    for error in missing:
        _count_error(summary, error, on_error)
    done = store.done_shards()
    pending = [shard for shard in shards if shard.key not in done]
    summary.shards, summary.done_before = len(shards), len(shards) - len(pending)
    on_shards(summary.done_before, len(shards))
    if pending:
        embed = group and settings.story_embeddings
        chunks = _on_ray(pending, settings, workers=workers, address=ray_address, code_events=code_events,
                         embed=embed)
        _store_chunks(chunks, pending, store, summary, on_error, on_stored=on_stored,
                      on_shard=lambda finished: on_shards(summary.done_before + finished, len(shards)))
    if group:
        summary.placed, summary.copies = place_in_stories(store, settings, on_placed)
    if watcher is not None:
        from redline.pipeline import replay_watch

        summary.alerts = len(replay_watch(store, watcher))
    if parquet is not None:
        from redline.report.exports import export_partitioned

        for what in ("articles", "events", "quotes"):
            export_partitioned(store, what, Path(parquet) / what)
    return summary


def _on_ray(pending: list[Shard], settings: Settings, *, workers: int | None, address: str | None,
            code_events: bool, embed: bool) -> Iterator[dict]:
    """The workers' output, a block at a time, as it is made (Ray Data streams it, with back-pressure)."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise BackfillError("a backfill runs on Ray: pip install 'redline[cluster]'") from exc
    started_here = start_ray(address, workers)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # redline shows its own
        context.print_on_execution_start = False
        size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        shards = ray.data.from_items([{"path": s.path, "key": s.key} for s in pending],
                                     override_num_blocks=len(pending))
        # One shard per call; a shard whose worker died is not recorded done (Ray restarts the worker).
        results = shards.map_batches(
            ShardWorker, batch_size=1, compute=ray.data.ActorPoolStrategy(size=size), num_cpus=1,
            fn_constructor_kwargs={"settings": settings, "code_events": code_events, "embed": embed})
        yield from results.iter_batches(batch_size=None, batch_format="numpy")
    finally:
        if started_here:
            ray.shutdown()


def start_ray(address: str | None = None, workers: int | None = None) -> bool:
    """Connect to the Ray cluster at `address`, or start a local one with `workers` CPUs (default: one per core),
    unless this process is connected already. Returns whether it started or connected now (then it shuts down
    when the backfill ends)."""
    import ray

    for name in ("ray", "ray.data"):  # Ray's notices would drown redline's progress; its errors still show
        logging.getLogger(name).setLevel(logging.ERROR)
    if ray.is_initialized():
        return False
    # The embedder must not look for a model hub from a worker either: the model ships inside a package.
    runtime_env = {"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}}
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES, runtime_env=runtime_env,
                     logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise BackfillError(f"cannot start Ray{f' at {address}' if address else ''}: {exc}") from exc
    return True


def _store_chunks(chunks: Iterator[dict], pending: list[Shard], store: Store, summary: BackfillSummary,
                  on_error, on_shard: Callable[[int], None], on_stored: Callable[[int], None]) -> None:
    """Store what comes back; a shard is recorded done when all its items are stored."""
    by_key = {shard.key: shard for shard in pending}
    arrived: Counter = Counter()
    expected: dict[str, int] = {}
    tallies: dict[str, Counter] = {key: Counter() for key in by_key}
    finished = 0
    for block in chunks:
        items_of: dict[str, list[Item]] = {}
        for key, total, payload in zip(block["shard"], block["total"], block["payload"]):
            if total >= 0:
                expected[key] = int(total)
            else:
                items_of.setdefault(key, []).append(pickle.loads(payload))
        for key, items in items_of.items():
            _store_items(items, store, summary, tallies[key], on_error)
            arrived[key] += len(items)
            on_stored(summary.items)
        for key in [k for k, n in expected.items() if arrived[k] == n]:
            shard = by_key[key]
            store.record_shard({"key": key, "path": shard.path, "size": shard.size, "items": expected.pop(key),
                                "stored": tallies[key]["stored"], "failed": tallies[key]["failed"],
                                "events": tallies[key]["events"]})
            finished += 1
            on_shard(finished)


def _store_items(items: list[Item], store: Store, summary: BackfillSummary, tally: Counter, on_error) -> None:
    from redline.events import CODER_VERSION

    statuses = store.write(item.outcome for item in items)
    summary.items += len(items)
    for item, status in zip(items, statuses):
        setattr(summary, status, getattr(summary, status) + 1)
        tally[status] += 1
        if item.outcome.error is not None:
            summary.errors.append(item.outcome.error)
            on_error(item.outcome.error)
    coded = [i for i in items if i.outcome.article is not None and i.events is not None]
    # Only an original not coded yet: a copy stored earlier, or one a restarted run stored before it stopped.
    wanted = store.needing_events(i.outcome.article.id for i in coded)
    fresh = {i.outcome.article.id: i for i in coded if i.outcome.article.id in wanted}
    if fresh:
        store.save_events([(article_id, item.events) for article_id, item in fresh.items()], CODER_VERSION)
    for item in fresh.values():
        summary.events += len(item.events)
        tally["events"] += len(item.events)
        for message in item.messages:
            on_error(ItemError(item.outcome.origin, f"events: {message}"))


def place_in_stories(store: Store, settings: Settings,
                     on_placed: Callable[[int], None] = lambda placed: None) -> tuple[int, int]:
    """The story pass: every article in no story yet, oldest first, through dedup and the story tracker, a batch
    per transaction (a stop loses at most one batch; a restart goes on from the stories already placed).
    Returns (articles placed, copies found)."""
    grouper = make_grouper(store, settings, placed_only=True)
    placed = copies = 0
    while batch := store.ungrouped_articles(GROUP_BATCH):
        found = [article for article, _ in batch]
        vectors = [None if v is None else np.frombuffer(v, dtype=np.float32) for _, v in batch]
        missing = [n for n, v in enumerate(vectors) if v is None]
        if grouper.use_embeddings and missing:  # stored without one (embeddings were off): made here
            for n, vector in zip(missing, grouper.embed([found[n] for n in missing])):
                vectors[n] = vector
        grouper.process(found, vectors)
        store.save_groups(found, *grouper.changes())
        placed += len(found)
        copies += sum(1 for a in found if a.duplicate_of)
        on_placed(placed)
    return placed, copies


def _count_error(summary: BackfillSummary, error: ItemError, on_error) -> None:
    summary.failed += 1
    summary.errors.append(error)
    on_error(error)
