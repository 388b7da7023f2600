"""Stage 1, ingest: paths, folders and URLs become RawItems, one bad item at a time reported, never fatal.

Entry points: `expand(sources)` lists the documents to read (so a progress bar knows its total);
`read(document, ...)` yields a RawItem for each article in it and an ItemError for each bad one.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redline.errors import ItemError, ReadError
from redline.ingest.decode import gunzip
from redline.ingest.fetch import Fetcher, Response
from redline.ingest.formats import (READERS, Context, FieldMap, Reader, gzip_complete, read_warc_stream, reader_for,
                                    register_reader)
from redline.records import RawItem
from redline.settings import Settings

__all__ = ["Document", "expand", "read", "read_shard", "FieldMap", "Fetcher", "Reader", "register_reader", "READERS"]


@dataclass(frozen=True)
class Document:
    """One thing to read: a file or a URL (a file may hold many articles: JSONL, a feed, a WARC)."""

    location: str
    is_url: bool = False


def expand(sources: list[str]) -> tuple[list[Document], list[ItemError]]:
    """Files, folders (recursively, hidden entries skipped, in name order) and URLs, in the order given."""
    documents: list[Document] = []
    errors: list[ItemError] = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            documents.append(Document(source, is_url=True))
            continue
        path = Path(source)
        if path.is_dir():
            documents.extend(
                Document(str(p)) for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            documents.append(Document(str(path)))
        else:
            errors.append(ReadError(source, "no such file, folder or URL"))
    return documents, errors


def read(
    document: Document,
    *,
    settings: Settings,
    fetcher: Fetcher | None = None,
    fields: FieldMap | None = None,
    encoding: str | None = None,
    skip=lambda origin: False,
) -> Iterator[RawItem | ItemError]:
    """Every article in one document, in order; a bad document or record yields an ItemError and reading goes on."""
    try:
        data, name, response = _load(document, settings, fetcher)
        reader = _pick_reader(data, name, response)
        if reader.name != "warc" and name.lower().endswith(".gz"):
            data = gunzip(data, document.location, settings.max_response_bytes * 10)
            name = name[:-3]
            reader = _pick_reader(data, name, None)
        ctx = Context(
            where=document.location,
            url=response.url if response else None,
            charset=response.charset if response else None,
            encoding=encoding,
            fields=fields or FieldMap(),
            fetch=fetcher.get if fetcher else None,
            skip=skip,
            feed_summary_max_words=settings.feed_summary_max_words,
            max_record_bytes=settings.max_response_bytes,
        )
        yield from _guarded(reader.read(data, ctx), document.location)
    except ItemError as exc:
        yield exc


def read_shard(path: str, *, settings: Settings) -> Iterator[RawItem | ItemError]:
    """Every article of one local file of a backfill. A WARC (CC-NEWS files are about 1 GB) is streamed a record
    at a time, whatever its size; any other file is read as `read` reads it, within the size limit."""
    if not path.lower().endswith(READERS["warc"].suffixes):
        yield from read(Document(path), settings=settings)
        return
    ctx = Context(where=path, fields=FieldMap(), max_record_bytes=settings.max_response_bytes)

    def complete() -> bool:
        if not path.lower().endswith(".gz"):
            return True
        with open(path, "rb") as again:
            return gzip_complete(again)

    try:
        with open(path, "rb") as stream:
            yield from _guarded(read_warc_stream(stream, ctx, complete), path)
    except OSError as exc:
        yield ReadError(path, f"cannot read: {exc.strerror or exc}")


def _guarded(items: Iterator, where: str) -> Iterator[RawItem | ItemError]:
    """A reader's own ItemError ends that document only; it is reported like a bad record."""
    try:
        yield from items
    except ItemError as exc:
        yield exc


def _load(document: Document, settings: Settings, fetcher: Fetcher | None) -> tuple[bytes, str, Response | None]:
    if document.is_url:
        if fetcher is None:
            raise ReadError(document.location, "URLs need a fetcher (network access is off)")
        response = fetcher.get(document.location)
        return response.content, response.url, response
    path = Path(document.location)
    try:
        size = path.stat().st_size
        if size > settings.max_response_bytes * 10:
            raise ReadError(document.location, f"file of {size:,} bytes is over the size limit")
        return path.read_bytes(), path.name, None
    except OSError as exc:
        raise ReadError(document.location, f"cannot read: {exc.strerror or exc}") from None


def _pick_reader(data: bytes, name: str, response: Response | None) -> Reader:
    head = data[:2048]
    if name.lower().endswith(".gz") and head[:2] == b"\x1f\x8b" and ".warc" not in name.lower():
        try:  # peek inside the gzip to recognise a WARC without a telling name
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                head = stream.read(2048)
        except (OSError, EOFError):
            pass
        if head.startswith(b"WARC/"):
            return READERS["warc"]
    return reader_for(name, head, response.content_type if response else None)
