"""Input formats: each reader turns one document's bytes into RawItems (or ItemErrors, one per bad record).

Readers register in `READERS` with the file endings they claim and a sniff test for files without a telling
name; the built-in ones use the same door as a user's own (`register_reader`).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from redline.errors import FetchError, FormatError, ItemError, ReadError
from redline.ingest.decode import decode
from redline.records import RawItem

Yield = Iterator[RawItem | ItemError]


@dataclass
class Context:
    """What a reader may need besides the bytes: settings, a fetcher for linked pages, field names for JSON."""

    where: str
    url: str | None = None
    charset: str | None = None  # declared by HTTP
    encoding: str | None = None  # forced by the user
    fields: "FieldMap" = None  # type: ignore[assignment]
    fetch: Callable | None = None  # url -> fetch.Response; None when offline
    skip: Callable[[str], bool] = lambda origin: False  # origins already stored: not fetched again
    feed_summary_max_words: int = 120
    max_record_bytes: int = 10_000_000  # one archived page (settings.max_response_bytes)


@dataclass
class Reader:
    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes, Context], Yield]


READERS: dict[str, Reader] = {}


def register_reader(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def reader_for(name: str, head: bytes, content_type: str | None = None) -> Reader:
    """By media type (HTTP), then file ending, then a look at the first bytes; plain text when nothing else fits."""
    by_type = _BY_CONTENT_TYPE.get((content_type or "").lower())
    if by_type:
        return READERS[by_type]
    lowered = name.lower().split("?")[0]
    for reader in READERS.values():
        if lowered.endswith(reader.suffixes):
            return reader
    for reader in READERS.values():
        if reader.name != "text" and reader.sniff(head):
            return reader
    return READERS["text"]


_BY_CONTENT_TYPE = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/feed+xml": "feed",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/plain": "text",
    "text/markdown": "text",  # read as plain text; the cleaner reads Markdown's marks (redline.clean.markdown)
    "application/warc": "warc",
}


def _head(data: bytes) -> str:
    return data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "ignore").lower()


# --- plain text and HTML: one document, one item -------------------------------------------------------------


def read_text(data: bytes, ctx: Context) -> Yield:
    yield RawItem(origin=ctx.where, media_type="text/plain", content=decode(data, ctx.where, forced=ctx.encoding),
                  url=ctx.url)


def read_html(data: bytes, ctx: Context) -> Yield:
    text = decode(data, ctx.where, declared=ctx.charset, forced=ctx.encoding)
    yield RawItem(origin=ctx.where, media_type="text/html", content=text, url=ctx.url)


register_reader(Reader("text", (".txt", ".text", ".md", ".markdown"), lambda head: True, read_text))
register_reader(Reader(
    "html", (".html", ".htm", ".xhtml", ".shtml"),
    lambda head: _head(head).startswith(("<!doctype html", "<html")) or "<body" in _head(head), read_html,
))


# --- JSON and JSONL: records with a field mapping ------------------------------------------------------------


@dataclass
class FieldMap:
    """Which keys of a JSON record hold what; the first key present wins. Override with `--field text=body`."""

    # "markdown": what reader tools (Firecrawl, Jina Reader) return of a page; the cleaner reads its marks.
    text: list[str] = field(default_factory=lambda: ["text", "body", "content", "articleBody", "maintext", "article",
                                                     "markdown"])
    html: list[str] = field(default_factory=lambda: ["html", "raw_html", "content_html", "page"])
    title: list[str] = field(default_factory=lambda: ["title", "headline", "metadata.title"])
    url: list[str] = field(default_factory=lambda: ["url", "link", "source_url", "uri", "metadata.sourceURL"])
    date: list[str] = field(default_factory=lambda: ["date", "published", "date_publish", "publishedAt",
                                                     "pubDate", "datePublished", "published_at"])
    outlet: list[str] = field(default_factory=lambda: ["outlet", "source", "source_domain", "publisher",
                                                       "site_name", "sitename"])
    authors: list[str] = field(default_factory=lambda: ["authors", "author", "byline"])
    id: list[str] = field(default_factory=lambda: ["id", "_id", "uuid"])

    @classmethod
    def parse(cls, overrides: list[str] | None) -> "FieldMap":
        """From ['text=body', 'date=meta.time'] (each override puts its key first)."""
        mapping = cls()
        for item in overrides or []:
            name, _, key = item.partition("=")
            if not key or not hasattr(mapping, name.strip()):
                raise ValueError(f"--field {item!r}: expected NAME=KEY with NAME one of {', '.join(vars(mapping))}")
            getattr(mapping, name.strip()).insert(0, key.strip())
        return mapping

    def get(self, record: dict, name: str):
        for key in getattr(self, name):
            value = _dig(record, key)
            if value not in (None, "", []):
                return value
        return None


def _dig(record: dict, dotted: str):
    value = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _record_item(record, where: str, ctx: Context) -> RawItem:
    if not isinstance(record, dict):
        raise FormatError(where, f"expected a JSON object, got {type(record).__name__}")
    fields = ctx.fields or FieldMap()
    text, html = fields.get(record, "text"), fields.get(record, "html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise FormatError(where, f"no text or html field (looked for {', '.join(fields.text + fields.html)})")
    authors = fields.get(record, "authors")
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r";|\band\b|,", authors) if a.strip()]
    hints = {
        "title": fields.get(record, "title"),
        "published": fields.get(record, "date"),
        "outlet": fields.get(record, "outlet"),
        "authors": authors if isinstance(authors, list) else None,
    }
    url = fields.get(record, "url")
    return RawItem(
        origin=where,
        media_type="text/plain" if isinstance(text, str) else "text/html",
        content=text if isinstance(text, str) else html,
        url=url if isinstance(url, str) else None,
        hints={k: v for k, v in hints.items() if v},
    )


def _records_in(document) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        lists = [v for v in document.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1 and not isinstance(document.get("text"), str):
            return lists[0]  # {"articles": [...]}
        return [document]
    return [document]


# Python's JSON reader recurses once per level of nesting; no article record is nested this deep.
TOO_DEEP = "JSON nested too deeply to be an article record"


def read_json(data: bytes, ctx: Context) -> Yield:
    text = decode(data, ctx.where, forced=ctx.encoding)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(ctx.where, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise FormatError(ctx.where, TOO_DEEP) from None
    for index, record in enumerate(_records_in(document), start=1):
        where = f"{ctx.where}#{index}"
        try:
            yield _record_item(record, where, ctx)
        except ItemError as exc:
            yield exc


def read_jsonl(data: bytes, ctx: Context) -> Yield:
    text = decode(data, ctx.where, forced=ctx.encoding)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{ctx.where}#line-{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield FormatError(where, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield FormatError(where, TOO_DEEP)
            continue
        try:
            yield _record_item(record, where, ctx)
        except ItemError as exc:
            yield exc


register_reader(Reader("json", (".json",), lambda head: _head(head).startswith(("{", "[")), read_json))
register_reader(Reader("jsonl", (".jsonl", ".ndjson", ".jsonlines"), lambda head: False, read_jsonl))


# --- RSS / Atom feeds: entries, and the linked page when an entry holds only a summary -----------------------

_TAG = re.compile(r"<[^>]+>")


def read_feed(data: bytes, ctx: Context) -> Yield:
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))
    if parsed.bozo and not parsed.entries:
        raise FormatError(ctx.where, f"not an RSS/Atom feed: {parsed.get('bozo_exception') or 'XML did not parse'}")
    if not parsed.entries and not parsed.feed.get("title"):
        raise FormatError(ctx.where, "not an RSS/Atom feed: no channel and no entries")
    outlet = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, start=1):
        key = entry.get("id") or entry.get("link") or f"entry-{number}"
        where = f"{ctx.where}#{key}"
        try:
            item = _entry_item(entry, where, outlet, ctx)
        except ItemError as exc:
            yield exc
            continue
        if item is not None:
            yield item


def _entry_item(entry, where: str, outlet: str | None, ctx: Context) -> RawItem | None:
    content = entry.get("content", [{}])[0].get("value") if entry.get("content") else None
    body = content or entry.get("summary") or ""
    hints = {
        "title": entry.get("title"),
        "published": entry.get("published") or entry.get("updated"),
        "outlet": outlet,
        "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")] or None,
    }
    hints = {k: v for k, v in hints.items() if v}
    link = entry.get("link")
    if len(_TAG.sub(" ", body).split()) >= ctx.feed_summary_max_words:
        return RawItem(origin=where, media_type="text/html", content=f"<html><body><article>{body}</article></body></html>",
                       url=link, hints=hints)
    if not link:
        raise FormatError(where, "entry holds only a summary and no link to the article")
    if ctx.skip(link):
        return None
    if ctx.fetch is None:
        raise FetchError(link, "entry holds only a summary and fetching linked pages is off")
    response = ctx.fetch(link)
    html = decode(response.content, link, declared=response.charset)
    return RawItem(origin=link, media_type="text/html", content=html, url=response.url, hints=hints)


def _is_feed(head: bytes) -> bool:
    text = _head(head)
    return text.startswith("<") and ("<rss" in text or "<feed" in text or "<rdf:rdf" in text)


register_reader(Reader("feed", (".rss", ".atom", ".xml", ".feed"), _is_feed, read_feed))


# --- WARC archives: HTML response records, as in Common Crawl's CC-NEWS --------------------------------------


def read_warc(data: bytes, ctx: Context) -> Yield:
    yield from read_warc_stream(io.BytesIO(data), ctx,
                                complete=lambda: data[:2] != b"\x1f\x8b" or gzip_complete(io.BytesIO(data)))


def read_warc_stream(stream: IO[bytes], ctx: Context, complete: Callable[[], bool]) -> Yield:
    """The HTML pages of a WARC read from a stream, a record at a time (a multi-GB CC-NEWS file is never held
    whole); `complete()` says, after the last record, whether a compressed archive ended properly."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = records = 0
    try:
        for record in ArchiveIterator(stream):
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            media_type, _, params = (record.http_headers.get_header("Content-Type") or "").partition(";")
            if status != "200" or media_type.strip().lower() not in ("text/html", "application/xhtml+xml"):
                continue
            record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record-{count + 1}"
            where = f"{ctx.where}#{record_id.strip('<>')}"
            # Read no more than a page may hold: a record that inflates to gigabytes is refused, not loaded.
            payload = record.content_stream().read(ctx.max_record_bytes + 1)
            if len(payload) > ctx.max_record_bytes:
                yield ReadError(where, f"archived page is over the {ctx.max_record_bytes:,}-byte limit")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # the archive ended inside this record
                raise EOFError(f"record {record_id} is cut short")
            count += 1
            try:
                charset = params.partition("charset=")[2].strip(" \"'") or None
                html = decode(payload, where, declared=charset, forced=ctx.encoding)
            except ItemError as exc:
                yield exc
                continue
            yield RawItem(
                origin=where, media_type="text/html", content=html,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                hints={"crawled": record.rec_headers.get_header("WARC-Date")},
            )
    # warcio's header parser meets a malformed record with whatever its code trips on (AttributeError on a status
    # line with no space, IndexError, KeyError): each means the same to the reader, a corrupt archive.
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError, IndexError, KeyError, TypeError) as exc:
        yield ReadError(ctx.where, f"truncated or corrupt WARC after {count} HTML record(s): {_first_line(exc)}")
        return
    # warcio ends quietly where a compressed archive is cut short: say so rather than return fewer pages.
    if not records:
        yield ReadError(ctx.where, "no WARC record in the file (empty, cut short, or not a WARC)")
    elif not complete():
        yield ReadError(ctx.where, f"truncated WARC: the compressed stream ends inside a record, after {count} "
                                   "HTML record(s)")


def _first_line(exc: Exception) -> str:
    """warcio's messages run to a paragraph of advice: its first sentence, and the fix where it names one."""
    text = " ".join(str(exc).split()).removeprefix("ERROR: ")
    first = text.split(". ")[0].rstrip(".")
    return first + (" (it can be fixed with `warcio recompress`)" if "warcio recompress" in text else "")


def gzip_complete(compressed: IO[bytes]) -> bool:
    """Whether every gzip member in the stream ends properly (read through in chunks: memory stays flat)."""
    try:
        with gzip.GzipFile(fileobj=compressed) as stream:
            while stream.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return False
    return True


register_reader(Reader("warc", (".warc", ".warc.gz", ".arc", ".arc.gz"), lambda head: head.startswith(b"WARC/"),
                       read_warc))
