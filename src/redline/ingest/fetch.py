"""Fetching one URL over HTTP(S), with a timeout, a size limit and a clear error for every way it can fail."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from redline.errors import FetchError
from redline.settings import Settings

# Redirect chains longer than this are loops or traps, not news.
MAX_REDIRECTS = 5


@dataclass
class Response:
    url: str  # after redirects
    content: bytes
    content_type: str  # media type, without parameters
    charset: str | None


class Fetcher:
    """A small HTTP client for ingest; one per run so connections are reused."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = httpx.Client(
            timeout=settings.http_timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": settings.user_agent},
        )

    def get(self, url: str) -> Response:
        response, _ = self.fetch(url)
        if response is None:
            raise FetchError(url, "HTTP 304 Not Modified to a request that asked for the page itself")
        return response

    def fetch(self, url: str, headers: dict | None = None) -> tuple[Response | None, httpx.Headers]:
        """GET with extra request headers: (the response, or None for 304 Not Modified; the response headers)."""
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return None, response.headers
                if response.status_code >= 400:
                    raise FetchError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
                content = self._read_limited(response, url)
                media_type, _, params = response.headers.get("content-type", "").partition(";")
                return Response(
                    url=str(response.url),
                    content=content,
                    content_type=media_type.strip().lower(),
                    charset=_charset(params) or response.charset_encoding,
                ), response.headers
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.settings.http_timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"request failed: {exc.__class__.__name__}: {exc}") from None

    def _read_limited(self, response: httpx.Response, url: str) -> bytes:
        limit = self.settings.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response of {int(declared):,} bytes is over the {limit:,}-byte limit")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"response is over the {limit:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _charset(params: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None
