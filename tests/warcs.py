"""WARC archives for tests, written with warcio as a crawler writes them (CC-NEWS: gzipped HTTP responses)."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def warc(records: list[tuple[str, str, bytes]]) -> bytes:
    """A gzipped WARC of (url, content type, body) HTTP responses."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=headers))
    return buffer.getvalue()
