"""Stage 2, clean: a RawItem becomes an Article — main text without boilerplate, title, dates, authors, outlet,
language.

Entry point: `clean_item(item, learned=...) -> Cleaned` (the article, and the page's lines the store learns
per-outlet boilerplate from); `clean(item) -> Article` for callers that need only the article. Learned
boilerplate is applied after extraction (`drop_learned`), so that cleaning itself needs no store and can run
in worker processes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from redline.errors import NoArticleError
from redline.clean import lines, meta
from redline.clean.datelines import strip_dateline
from redline.clean.html import extract_html
from redline.clean.paragraphs import Draft
from redline.clean.text import extract_text
from redline.records import Article, Author, RawItem, article_id, normalise_text, web_url
from redline.settings import Settings

__all__ = ["Cleaned", "clean", "clean_item", "drop_learned", "LearnedBoilerplate"]

# Given an outlet's name, the normalised lines known to be boilerplate on its pages.
LearnedBoilerplate = Callable[[str], frozenset[str]]


@dataclass
class Cleaned:
    article: Article
    draft: Draft

    @property
    def source_lines(self) -> list[str]:
        """Every line of the page, normalised: what the store counts to learn per-outlet boilerplate."""
        texts = [*self.draft.paragraphs, *(text for _, text in self.draft.dropped)]
        return [key for key in map(normalise_text, texts) if key]


@lru_cache(maxsize=None)
def _cleaner_name(kind: str) -> str:
    try:
        if kind == "html":
            return f"redline-html/1+trafilatura-{version('trafilatura')}"
    except PackageNotFoundError:
        pass
    return f"redline-{kind}/1"


def clean(item: RawItem, *, settings: Settings | None = None) -> Article:
    return clean_item(item, settings=settings).article


def clean_item(
    item: RawItem, *, learned: LearnedBoilerplate | None = None, settings: Settings | None = None
) -> Cleaned:
    """Clean one item. Raises an ItemError (NoArticleError) naming the item when it holds no article."""
    settings = settings or Settings()
    if item.media_type == "text/plain":  # plain text is its article: refused before the cleaner reads it all
        _within_length(len(item.content), item, settings)
    draft, page_meta = _extract(item)
    outlet = _outlet(item, draft, page_meta)
    cleaned = Cleaned(article=_assemble(item, draft, page_meta, outlet, settings), draft=draft)
    _within_length(len(cleaned.article.text), item, settings)
    if learned and cleaned.article.outlet:
        return drop_learned(cleaned, learned(cleaned.article.outlet))
    return cleaned


def _within_length(chars: int, item: RawItem, settings: Settings) -> None:
    if chars > settings.max_article_chars:
        raise NoArticleError(item.origin, f"{chars:,} characters of text is longer than any article "
                                          f"(setting max_article_chars, {settings.max_article_chars:,})")


def drop_learned(cleaned: Cleaned, known: frozenset[str]) -> Cleaned:
    """The article without the paragraphs its outlet is known to print on every page."""
    kept = [p for p in cleaned.draft.paragraphs if normalise_text(p) not in known]
    if not known or len(kept) == len(cleaned.draft.paragraphs) or not kept:
        return cleaned
    dropped = [("learned boilerplate", p) for p in cleaned.draft.paragraphs if normalise_text(p) in known]
    draft = replace(cleaned.draft, paragraphs=kept, dropped=cleaned.draft.dropped + dropped)
    text = "\n\n".join(kept)
    return Cleaned(article=replace(cleaned.article, id=article_id(text), text=text, paragraphs=list(kept)), draft=draft)


def _extract(item: RawItem) -> tuple[Draft, dict]:
    if item.media_type == "text/html":
        return extract_html(item.content, url=item.url, where=item.origin)
    return extract_text(item.content, where=item.origin, title=item.hints.get("title")), {}


def _outlet(item: RawItem, draft: Draft, page_meta: dict) -> meta.Outlet | None:
    emails = [e for line in draft.bylines for e in lines.emails(line)]
    return meta.resolve_outlet(
        url=item.url or page_meta.get("url"),
        author_emails=emails,
        holders=draft.holders,
        text="\n".join([*draft.paragraphs, *(t for _, t in draft.dropped)]),
        hint=item.hints.get("outlet") or page_meta.get("sitename"),
    )


def _assemble(item: RawItem, draft: Draft, page_meta: dict, outlet, settings: Settings) -> Article:
    tz = outlet.timezone if outlet else None
    paragraphs, dateline = strip_dateline(list(draft.paragraphs))  # "SEOUL, South Korea (AP) — …"
    text = "\n\n".join(paragraphs)
    language = meta.detect_language(text)
    published = _dated("published", item, page_meta.get("date"), draft, tz, settings, language)
    updated = _dated("updated", item, page_meta.get("updated"), draft, tz, settings, language)
    if published is None and dateline and dateline.date:
        published = _dateline_day(dateline.date, item, tz, settings, language)
    if updated and published and updated < published:
        updated = None  # a page "updated" before it was published declares one of the two wrongly
    return Article(
        id=article_id(text),
        text=text,
        paragraphs=paragraphs,
        title=draft.title or page_meta.get("title") or item.hints.get("title"),
        url=web_url(item.url) or web_url(page_meta.get("url")),
        outlet=outlet.display if outlet else None,
        published=published,
        updated=updated,
        authors=_authors(draft, item, page_meta),
        language=language,
        origin=item.origin,
        raw_sha=item.content_sha,
        cleaner=_cleaner_name("html" if item.media_type == "text/html" else "text"),
        place=dateline.place if dateline else None,
        wire=dateline.wire if dateline else None,
    )


def _dateline_day(printed: str, item: RawItem, tz: str | None, settings: Settings, language: str | None):
    """The day a wire dateline prints ("MOSCOW, Oct 21 (Reuters) -"), when nothing else dates the article. Its
    year, when not printed, is the one that puts the day on or before the day the copy was read (a WARC's crawl
    date, else when it was fetched): "Dec 30" read on 3 January is the last year's."""
    read = meta.parse_date(item.hints.get("crawled"), tz, settings.default_timezone, language) or item.fetched_at
    if re.search(r"\b\d{4}$", printed):  # "Dec 30, 2023": the year is printed
        return meta.parse_date(printed, tz, settings.default_timezone, language)
    for year in (read.year, read.year - 1):
        found = meta.parse_date(f"{printed} {year}", tz, settings.default_timezone, language)
        if found and found.date() <= read.date():
            return found
    return None


def _dated(kind: str, item: RawItem, declared, draft: Draft, tz: str | None, settings: Settings,
           language: str | None):
    """The `kind` ("published" or "updated") date: what the source declares (a feed's or a record's date), then
    what the page declares (htmldate's day, with the declared time when it falls on that day), then a date printed
    in the text, each read only when the one before gave none. A stamp found in the body first replaced right
    dates with wrong ones on pages of other sites (docs/clean.md)."""
    for value in (item.hints.get(kind), declared):
        parsed = meta.parse_date(value, tz, settings.default_timezone, language)
        if parsed:
            return parsed
    return _first_date(draft, kind, tz, settings, language)


def _first_date(draft: Draft, kind: str, tz: str | None, settings: Settings, language: str | None):
    for found_kind, value in draft.stamps:
        if found_kind == kind:
            parsed = meta.parse_date(value, tz, settings.default_timezone, language)
            if parsed:
                return parsed
    return None


def _authors(draft: Draft, item: RawItem, page_meta: dict) -> list[Author]:
    found: list[Author] = []
    for line in draft.bylines:
        found.extend(meta.authors_from_line(line))
    declared = item.hints.get("authors") or page_meta.get("author")
    if not found and declared:
        names = declared if isinstance(declared, list) else str(declared).split(";")
        found = [Author(name=n.strip()) for n in names if n and n.strip()]
    unique: dict[str, Author] = {}
    for author in found:
        unique.setdefault(author.name.casefold(), author)
    return list(unique.values())
