"""The stages in order, and the runner that calls them: ingest → clean → store (later stages join here).

The runner checks that each stage returned what it promised and names the stage when one did not. It writes in
batches, one transaction each, so an interrupted run loses at most the batch in hand, and a re-run skips every
item already stored (by origin and content hash).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from redline import ingest
from redline.clean import Cleaned, clean_item, drop_learned
from redline.errors import ItemError, RedlineError
from redline.records import Article, RawItem
from redline.settings import Settings
from redline.store import Outcome, Store
from redline.workers import die_with_parent, return_freed_memory

@dataclass
class Resident:
    """What one ingest run builds lazily and a caller running ingest many times keeps: the story grouper (made
    from the stored stories when the first new article arrives) and the event coder (the parser)."""

    grouper: object = None
    coder: object = None


class ContractError(RedlineError):
    """A stage returned something other than what it promised: a bug, reported with the stage's name."""


@dataclass
class Summary:
    stored: int = 0
    duplicate: int = 0
    failed: int = 0
    skipped: int = 0  # already stored by an earlier run: not read again
    copies: int = 0  # stored, but near-duplicates of an earlier article (not new evidence)
    derived: int = 0  # stored, reusing passages of an earlier article (wire copy)
    errors: list[ItemError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": self.stored, "duplicate": self.duplicate, "failed": self.failed, "skipped": self.skipped,
                "copies": self.copies, "derived": self.derived, "errors": [e.as_dict() for e in self.errors]}


def check_article(stage: str, value) -> Article:
    if not isinstance(value, Cleaned) or not isinstance(value.article, Article):
        raise ContractError(f"stage {stage!r} returned {type(value).__name__}, expected Cleaned(Article)")
    article = value.article
    if not article.id or not article.text or (article.published and article.published.tzinfo is None):
        raise ContractError(f"stage {stage!r} returned an article without id/text or with a naive date")
    return article


def run_ingest(
    sources: list[str],
    store: Store,
    *,
    settings: Settings,
    fields: ingest.FieldMap | None = None,
    encoding: str | None = None,
    workers: int = 1,
    group: bool = True,
    on_document: Callable[[ingest.Document | None, int], None] = lambda doc, total: None,
    on_error: Callable[[ItemError], None] = lambda error: None,
    watchers: Sequence = (),
    by_publication: bool = False,
    fetcher: ingest.Fetcher | None = None,
    resident: "Resident | None" = None,
) -> Summary:
    """Read every source, clean each item, store it; bad items are reported through `on_error` and counted.

    Items are read one document at a time and cleaned a batch at a time, by `workers` processes when more than
    one (cleaning is CPU-bound; reading and storing stay in this process). With `group`, new articles are then
    checked for copies and placed in stories, continuing the stories already stored. `watchers` (watch.Watcher)
    take in each batch's new events as they are stored. `by_publication` reads the whole input first and stores it
    in publication order (a replay of an archive); an interrupt then keeps nothing. `fetcher` replaces the plain
    one (the collector's polite fetcher); it is left open. `resident` keeps the story grouper and the coder between
    runs (the collector runs ingest once per poll: replaying the stories from the store each time would cost more
    than the poll).
    """
    summary = Summary()
    documents, missing = ingest.expand(sources)
    on_document(None, len(documents))
    for error in missing:
        summary.failed += 1
        summary.errors.append(error)
        on_error(error)
    batch: list[RawItem | ItemError] = []
    resident = resident or Resident()
    if settings.code_events:
        _code_left_behind(store, resident, workers, on_error, watchers)
    with _fetcher(fetcher, settings) as fetcher, _cleaner(workers, settings) as clean_all:

        def store_batch(items: list, results: list) -> None:
            outcomes = _outcomes(items, results, store, summary, on_error)
            if group and resident.grouper is None and any(o.article for o in outcomes):
                resident.grouper = make_grouper(store, settings)
            grouped = _group(outcomes, resident.grouper, store) if group and resident.grouper is not None else None
            statuses = store.write(outcomes)
            for outcome, status in zip(outcomes, statuses):
                setattr(summary, status, getattr(summary, status) + 1)
                if status == "stored":
                    summary.copies += bool(outcome.article.duplicate_of)
                    summary.derived += bool(outcome.article.derived_from)
            if grouped:
                store.save_stories(*grouped)
            new = [o.article for o, status in zip(outcomes, statuses) if status == "stored"]
            if settings.code_events and new:
                resident.coder = resident.coder or _coder()
                code_articles(new, store, resident.coder, n_process=workers, on_error=on_error)
            for watcher in watchers:
                watcher.observe([a.id for a in new])
            return_freed_memory()  # a long ingest or a collector's life: flat, not the high-water mark of its batches

        def flush() -> None:
            if by_publication:
                return  # everything is cleaned, sorted and stored at the end
            store_batch(list(batch), clean_all(batch))
            batch.clear()

        try:
            for document in documents:
                for item in ingest.read(document, settings=settings, fetcher=fetcher, fields=fields,
                                        encoding=encoding, skip=lambda origin: store.seen(origin)):
                    if isinstance(item, RawItem) and store.seen(item.origin, item.content_sha):
                        summary.skipped += 1
                        continue
                    batch.append(item)
                    if len(batch) >= settings.ingest_batch_size:
                        flush()
                on_document(document, len(documents))
        finally:
            flush()  # an interrupt still keeps every item read so far
        if by_publication and batch:
            # A replay: the whole archive in publication order, so that copies point to the first report
            pairs = sorted(zip(batch, clean_all(batch)), key=lambda pair: _published(pair[1]))
            _arrive_with_newest([result for _, result in pairs])
            for start in range(0, len(pairs), settings.ingest_batch_size):
                chunk = pairs[start:start + settings.ingest_batch_size]
                store_batch([item for item, _ in chunk], [result for _, result in chunk])
    return summary


def run_replay(sources: list[str], store: Store, watcher_for: Callable[[Store], object], *, settings: Settings,
               workers: int = 1, on_document=lambda doc, total: None, on_error=lambda error: None,
               on_step: Callable[[int, int], None] = lambda done, total: None) -> tuple[Summary, list]:
    """Backtest a watchlist: store an archive in publication order, then read the watchlist as of each article.
    Returns the ingest summary and every alert raised, in order: the stage timeline and the indicator changes."""
    summary = run_ingest(sources, store, settings=settings, workers=workers, on_document=on_document,
                         on_error=on_error, by_publication=True)
    return summary, replay_watch(store, watcher_for(store), on_step)


def replay_watch(store: Store, watcher, on_step: Callable[[int, int], None] = lambda done, total: None) -> list:
    """Read a watchlist as of each stored original article in publication order; every alert raised, in order."""
    steps = store.publication_order()
    raised = []
    for done, board in enumerate(watcher.replay(steps), 1):
        raised += board.alerts
        on_step(done, len(steps))
    return raised


def _arrive_with_newest(results: list) -> None:
    """In a replay an undated article has no time of its own: it is taken to arrive with the newest dated one
    (its `ingested_at`, the time the watch ages it from), not at the moment the replay runs."""
    dated = [r.article.published for r in results if getattr(r, "article", None) and r.article.published]
    for result in results:
        if dated and getattr(result, "article", None) and not result.article.published:
            result.article.ingested_at = max(dated)


def _published(result) -> tuple[datetime, str]:
    """Sort key of a cleaned item: its publication date (undated and failed items last), then its id, as the
    backfill's story pass orders them: reports of one moment go to the story tracker in one order, whichever
    path stored them."""
    article = getattr(result, "article", None)
    when = (article.published if article and article.published else None) or datetime.max.replace(tzinfo=timezone.utc)
    return when, article.id if article else ""


def _coder():
    from redline.events import Coder

    return Coder()


def _code_left_behind(store: Store, resident: Resident, workers: int, on_error, watchers) -> None:
    """Articles stored but never coded — a run stopped between storing a batch and coding it — are coded now,
    so that a run after any stop leaves the store as an uninterrupted one would."""
    while left := store.uncoded_articles(200):
        resident.coder = resident.coder or _coder()
        code_articles(left, store, resident.coder, n_process=workers, on_error=on_error)
        for watcher in watchers:
            watcher.observe([a.id for a in left])


def code_articles(found: list[Article], store: Store, coder, n_process: int = 1,
                  on_error: Callable[[ItemError], None] = lambda error: None) -> int:
    """Code events in articles and store them; copies of an earlier article are not new evidence: skipped."""
    from redline.events import CODER_VERSION

    results = coded_events([a for a in found if not a.duplicate_of], coder, n_process)
    store.save_events([(article.id, coded) for article, coded, _ in results], CODER_VERSION)
    for article, _, messages in results:
        for message in messages:
            on_error(ItemError(article.origin or article.id, f"events: {message}"))
    return sum(len(coded) for _, coded, _ in results)


def coded_events(found: list[Article], coder, n_process: int = 1) -> list[tuple[Article, list[dict], list[str]]]:
    """Each article with its events (`Event.to_json()` dicts) and the coder's messages about it. The parser and
    dictionaries read English; an article in another language has no events (marked coded, not misread)."""
    english = [a for a in found if (a.language or "en") == "en"]
    coded = coder.code_many(((a.text, a.published, a.id) for a in english), n_process=n_process)
    results = [(a, [e.to_json() for e in c.events], list(c.errors)) for a, c in zip(english, coded)]
    return results + [(a, [], []) for a in found if (a.language or "en") != "en"]


def code_stored(store: Store, *, batch_size: int = 50, on_batch: Callable[[int, int], None] = lambda n, e: None,
                coder=None, workers: int = 1) -> tuple[int, int]:
    """Back-fill: code every stored article the current coder has not read, a batch per transaction, so an
    interrupted run resumes where it stopped. Returns (articles, events)."""
    from redline.events import CODER_VERSION

    coder = coder or _coder()
    total_articles = total_events = 0
    while True:
        batch = store.uncoded_articles(batch_size, CODER_VERSION)
        if not batch:
            return total_articles, total_events
        found = code_articles(batch, store, coder, n_process=workers)
        total_articles += len(batch)
        total_events += found
        on_batch(len(batch), found)


def make_grouper(store: Store, settings: Settings, *, placed_only: bool = False):
    """The story grouper, continuing the stories of the last articles stored (`placed_only`: of those already in
    a story; a backfill's second pass must not take the articles it is about to judge as earlier ones)."""
    from redline.stories.grouping import Grouper

    grouper = Grouper(use_embeddings=settings.story_embeddings)
    for article, vector in store.recent_articles(settings.story_memory, placed_only=placed_only):
        grouper.restore(article, None if vector is None else np.frombuffer(vector, dtype=np.float32))
    grouper.restore_threads(store.story_threads())
    return grouper


def _group(outcomes: list[Outcome], grouper, store: Store) -> tuple[list[dict], list[tuple[str, str]]]:
    """Copies and stories for the batch's new articles; returns the story rows touched and the merges made."""
    seen_ids = store.existing_ids([o.article.id for o in outcomes if o.article])
    fresh = []
    for outcome in outcomes:
        article = outcome.article
        if article is None or article.id in seen_ids:
            continue  # exact duplicates are linked by the store itself
        seen_ids.add(article.id)
        fresh.append(outcome)
    vectors = grouper.embed([o.article for o in fresh])
    grouper.process([o.article for o in fresh], vectors)
    for outcome, vector in zip(fresh, vectors):
        outcome.vector = None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()
    return grouper.changes()


def _outcomes(batch, results, store: Store, summary: Summary, on_error) -> list[Outcome]:
    outcomes = []
    for item, result in zip(batch, results):
        if isinstance(result, ItemError):
            summary.errors.append(result)
            on_error(result)
            sha = item.content_sha if isinstance(item, RawItem) else None
            outcomes.append(Outcome(origin=result.where, raw_sha=sha, error=result))
            continue
        article = check_article("clean", result)
        if article.outlet:
            result = drop_learned(result, store.learned_boilerplate(article.outlet))
        outcomes.append(Outcome(origin=item.origin, raw_sha=item.content_sha, article=result.article,
                                source_lines=result.source_lines))
    return outcomes


def clean_or_error(item: RawItem | ItemError, settings: Settings) -> Cleaned | ItemError:
    """Clean one item; an ItemError (from reading or cleaning) is returned, not raised, so batches go on."""
    if isinstance(item, ItemError):
        return item
    try:
        return clean_item(item, settings=settings)
    except ItemError as error:
        return error


@contextmanager
def _fetcher(given: ingest.Fetcher | None, settings: Settings):
    if given is not None:
        yield given
        return
    with ingest.Fetcher(settings) as made:
        yield made


@contextmanager
def _cleaner(workers: int, settings: Settings):
    """A function cleaning a batch: in this process, or spread over a pool of worker processes."""
    if workers <= 1:
        yield lambda batch: [clean_or_error(item, settings) for item in batch]
        return
    with multiprocessing.get_context("spawn").Pool(workers, initializer=die_with_parent,
                                                   initargs=(os.getpid(),)) as pool:

        def clean_all(batch):
            items = [item for item in batch if isinstance(item, RawItem)]  # read errors stay here
            cleaned = iter(pool.map(partial(clean_or_error, settings=settings), items,
                                    chunksize=max(1, len(items) // (workers * 4))))
            return [item if isinstance(item, ItemError) else next(cleaned) for item in batch]

        yield clean_all
