"""Bytes to text, with a specific error for each way a file can be unreadable: empty, binary, truncated, undecodable."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib

from redline.errors import ReadError

# Only the head of a file is searched for NUL bytes and charset declarations.
SNIFF_BYTES = 8192

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)


def gunzip(data: bytes, where: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        reason = "truncated gzip (the file ends before the compressed stream does)" if isinstance(
            exc, EOFError
        ) else f"corrupt gzip: {exc}"
        raise ReadError(where, reason) from None
    if len(out) > max_bytes:
        raise ReadError(where, f"uncompressed size is over the {max_bytes:,}-byte limit")
    return out


def declared_charset(data: bytes) -> str | None:
    head = data[:SNIFF_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def decode(data: bytes, where: str, *, declared: str | None = None, forced: str | None = None) -> str:
    """Decode a document: a forced encoding, else UTF-8 (with or without BOM), else the charset it declares."""
    if not data.strip():
        raise ReadError(where, "empty file (no bytes, or only white space)")
    if forced:
        return _decode_as(data, forced, where)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(data, "utf-16", where)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ReadError(where, "binary file (NUL bytes), not a text, HTML, JSON, feed or WARC document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        charset = declared or declared_charset(data)
        if charset and _known(charset) and codecs.lookup(charset).name != "utf-8":
            return _decode_as(data, charset, where)
        raise ReadError(
            where,
            f"undecodable bytes at offset {exc.start}: not UTF-8 and no charset declared "
            "(give the encoding with --encoding)",
        ) from None


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
        return True
    except LookupError:
        return False


def _decode_as(data: bytes, charset: str, where: str) -> str:
    try:
        return data.decode(charset)
    except LookupError:
        raise ReadError(where, f"unknown encoding {charset!r}") from None
    except UnicodeDecodeError as exc:
        raise ReadError(where, f"undecodable bytes at offset {exc.start} for the declared encoding {charset}") from None
