"""The stages in order, and the runner that calls them: ingest → clean → store (later stages join here).

The runner checks that each stage returned what it promised and names the stage when one did not. It writes in
batches, one transaction each, so an interrupted run loses at most the batch in hand, and a re-run skips every
item already stored (by origin and content hash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redline import ingest
from redline.clean import Cleaned, clean_item
from redline.errors import ItemError, RedlineError
from redline.records import Article, RawItem
from redline.settings import Settings
from redline.store import Outcome, Store

STAGES = ("ingest", "clean", "store")


class ContractError(RedlineError):
    """A stage returned something other than what it promised: a bug, reported with the stage's name."""


@dataclass
class Summary:
    stored: int = 0
    duplicate: int = 0
    failed: int = 0
    skipped: int = 0  # already stored by an earlier run: not read again
    errors: list[ItemError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": self.stored, "duplicate": self.duplicate, "failed": self.failed, "skipped": self.skipped,
                "errors": [e.as_dict() for e in self.errors]}


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
    on_document: Callable[[ingest.Document | None, int], None] = lambda doc, total: None,
    on_error: Callable[[ItemError], None] = lambda error: None,
) -> Summary:
    """Read every source, clean each item, store it; bad items are reported through `on_error` and counted."""
    summary = Summary()
    documents, missing = ingest.expand(sources)
    on_document(None, len(documents))
    pending: list[Outcome] = []

    def flush() -> None:
        for outcome, status in zip(pending, store.write(pending)):
            setattr(summary, status, getattr(summary, status) + 1)
            if status != "failed" and outcome.article:
                summary.article_ids.append(outcome.article.id)
        pending.clear()

    def fail(error: ItemError, raw_sha: str | None = None) -> None:
        summary.errors.append(error)
        on_error(error)
        pending.append(Outcome(origin=error.where, raw_sha=raw_sha, error=error))

    for error in missing:
        summary.failed += 1
        summary.errors.append(error)
        on_error(error)
    with ingest.Fetcher(settings) as fetcher:
        try:
            for document in documents:
                items = ingest.read(document, settings=settings, fetcher=fetcher, fields=fields, encoding=encoding,
                                    skip=lambda origin: store.seen(origin))
                for item in items:
                    if isinstance(item, ItemError):
                        fail(item)
                    elif store.seen(item.origin, item.content_sha):
                        summary.skipped += 1
                    else:
                        _clean_into(item, store, settings, pending, fail)
                    if len(pending) >= settings.ingest_batch_size:
                        flush()
                on_document(document, len(documents))
        finally:
            flush()  # an interrupt still keeps every item cleaned so far
    return summary


def _clean_into(item: RawItem, store: Store, settings: Settings, pending: list[Outcome], fail) -> None:
    try:
        cleaned = clean_item(item, learned=store.learned_boilerplate, settings=settings)
    except ItemError as error:
        fail(error, item.content_sha)
        return
    article = check_article("clean", cleaned)
    pending.append(Outcome(origin=item.origin, raw_sha=item.content_sha, article=article,
                           source_lines=cleaned.source_lines))
