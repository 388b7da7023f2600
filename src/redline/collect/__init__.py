"""Collect: keep reading feeds and pages on a schedule, politely, and keep each source's health.

    load_sources(path) → SourceList              sources.yaml, validated (pydantic)
    Collector(store, settings, sources).run()     until stopped: poll what is due, store, code, watch, sleep

Polite: conditional GET (ETag / Last-Modified), robots.txt, one request per host per `min_host_gap_s`, timeouts,
retries with exponential backoff on 5xx and network errors, at most 5 redirects, a size limit; private, loopback
and link-local addresses are refused (each redirect hop too) unless the source allows them. Robust: every poll is
one source's business — an error is recorded on that source and the round goes on. The store's own bookkeeping
(each item by origin and content hash) makes a restart after kill -9 continue without storing anything twice;
a source's validators are saved only after its items are stored.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.errors import FetchError, RedlineError
from redline.ingest.fetch import Fetcher, Response
from redline.pipeline import Resident, run_ingest
from redline.records import utcnow
from redline.settings import Settings
from redline.store import Store


class SourcesError(RedlineError):
    pass


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    url: str = Field(pattern=r"^https?://")
    interval_minutes: float = Field(default=15, gt=0)
    allow_private: bool = False  # a source on a private, loopback or link-local address (an intranet, a test)


class SourceList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source]
    min_host_gap_s: float = Field(default=2.0, ge=0)  # one request per host per this many seconds
    retries: int = Field(default=2, ge=0)  # after the first try, on 5xx, timeouts and refused connections
    backoff_s: float = Field(default=1.0, ge=0)
    stale_after_polls: int = Field(default=12, ge=1)  # this many polls in a row with nothing new: flagged
    respect_robots: bool = True


def load_sources(path: str | Path) -> SourceList:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourcesError(f"{path}: cannot read the sources file ({exc})") from exc
    try:
        found = SourceList.model_validate(data if isinstance(data, dict) else {"sources": data})
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise SourcesError(f"{path}: {len(lines)} problem(s)\n" + "\n".join(lines)) from None
    names = [s.name for s in found.sources]
    if len(set(names)) != len(names):
        raise SourcesError(f"{path}: source names must be unique")
    return found


# --- polite fetching -------------------------------------------------------------------------------------------

def refuse_private(url: str, allowed_hosts: set[str]) -> None:
    """Raise FetchError for a URL whose host resolves to a private, loopback, link-local or reserved address
    (unless its host is allowed): a feed must not make redline read an intranet or a cloud metadata service."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, "only http and https URLs are collected")
    if parts.hostname in allowed_hosts:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as exc:
        raise FetchError(url, f"cannot resolve {parts.hostname}: {exc.strerror}") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise FetchError(url, f"refused: {parts.hostname} is a private address ({ip}); "
                                  "set allow_private on the source to collect it")


class PoliteFetcher(Fetcher):
    """The ingest Fetcher with manners: private targets refused (every redirect hop), robots.txt obeyed, one
    request per host per gap, retries with backoff, conditional GET. `prime(url, response)` hands a response
    already fetched to the next `get(url)` (the collector fetches a feed itself, for its validators)."""

    def __init__(self, settings: Settings, sources: SourceList, allowed_hosts: set[str],
                 sleep: Callable[[float], None] = time.sleep):
        super().__init__(settings)
        self.config, self.allowed_hosts, self.sleep = sources, allowed_hosts, sleep
        self._client.event_hooks = {"request": [self._check_hop], "response": []}
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, tuple[float | None, urllib.robotparser.RobotFileParser | None]] = {}
        self._primed: dict[str, Response] = {}

    def _check_hop(self, request: httpx.Request) -> None:
        refuse_private(str(request.url), self.allowed_hosts)
        self._wait_turn(request.url.host)

    def _wait_turn(self, host: str) -> None:
        gap = self.config.min_host_gap_s - (time.monotonic() - self._last_request.get(host, -1e9))
        if gap > 0:
            self.sleep(gap)
        self._last_request[host] = time.monotonic()

    def prime(self, url: str, response: Response) -> None:
        self._primed[url] = response

    def get(self, url: str) -> Response:
        if url in self._primed:
            return self._primed.pop(url)
        self._obey_robots(url)
        return self._with_retries(lambda: super(PoliteFetcher, self).get(url), url)

    def conditional_get(self, url: str, etag: str | None, last_modified: str | None
                        ) -> tuple[Response | None, dict[str, str | None]]:
        """(response, new validators); the response is None when the server says 304 Not Modified."""
        self._obey_robots(url)
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}

        def fetch():
            response, answered = self.fetch(url, headers)
            if response is None:
                return None, {"etag": etag, "last_modified": last_modified}
            return response, {"etag": answered.get("etag"), "last_modified": answered.get("last-modified")}

        return self._with_retries(fetch, url)

    def _with_retries(self, attempt, url: str):
        for number in range(self.config.retries + 1):
            try:
                return attempt()
            except FetchError as exc:
                transient = exc.reason.startswith(("HTTP 5", "HTTP 429", "timed out", "request failed"))
                if not transient or number == self.config.retries:
                    raise
                self.sleep(self.config.backoff_s * 2 ** number)
        raise AssertionError("unreachable")

    def _obey_robots(self, url: str) -> None:
        if not self.config.respect_robots:
            return
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        fetched_at, parser = self._robots.get(root, (None, None))
        if fetched_at is None or time.monotonic() - fetched_at > 86400:  # read once a day per site
            parser = self._read_robots(root)
            self._robots[root] = (time.monotonic(), parser)
        if parser is not None and not parser.can_fetch(self.settings.user_agent, url):
            raise FetchError(url, "robots.txt disallows it")

    def _read_robots(self, root: str) -> urllib.robotparser.RobotFileParser | None:
        """The site's rules; none (everything allowed) when it has no robots.txt."""
        try:
            response = super().get(f"{root}/robots.txt")
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4"):
                return None
            raise FetchError(root, f"robots.txt unreadable ({exc.reason}): not collected this round") from None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(response.content.decode("utf-8", "replace").splitlines())
        return parser


# --- the collector ---------------------------------------------------------------------------------------------

class Collector:
    def __init__(self, store: Store, settings: Settings, sources: SourceList, *, watchers=(),
                 on_poll: Callable[[dict], None] = lambda state: None, sleep: Callable[[float], None] = time.sleep):
        self.store, self.settings, self.sources = store, settings, sources
        self.watchers, self.on_poll, self.sleep = list(watchers), on_poll, sleep
        allowed = {urlsplit(s.url).hostname for s in sources.sources if s.allow_private}
        self.fetcher = PoliteFetcher(settings, sources, allowed, sleep=sleep)
        self.resident = Resident()  # the story grouper and the coder, made once for every poll

    def due(self, now: datetime) -> list[Source]:
        found = []
        for source in self.sources.sources:
            state = self.store.source_state(source.name)
            if state is None or state["next_due"] is None or state["next_due"] <= now:
                found.append(source)
        return found

    def poll(self, source: Source) -> dict:
        """Fetch one source, store what is new; returns its updated health row (recorded in the store)."""
        state = self.store.source_state(source.name) or _fresh_state(source)
        now = utcnow()
        state.update(url=source.url, polls=state["polls"] + 1, last_polled=now,
                     first_polled=state["first_polled"] or now)
        started = time.monotonic()
        new_items = 0
        try:
            response, validators = self.fetcher.conditional_get(source.url, state["etag"], state["last_modified"])
            if response is None:
                state["last_status"] = "304"
            else:
                self.fetcher.prime(source.url, response)
                summary = run_ingest([source.url], self.store, settings=self.settings, watchers=self.watchers,
                                     fetcher=self.fetcher, resident=self.resident)
                new_items = summary.stored
                feed_errors = [e for e in summary.errors if e.where == source.url]
                if feed_errors:  # the feed itself did not read: its items never came
                    raise FetchError(source.url, feed_errors[0].reason)
                state["last_status"] = "200"
                if summary.errors:  # some entries or their pages failed: said on the source, tried again next poll
                    first = summary.errors[0]
                    state.update(last_error=f"{len(summary.errors)} item(s) failed; first: {first.where}: "
                                            f"{first.reason}", last_error_at=now)
            # Saved only now: a crash before this point fetches again next time, and stores nothing twice.
            state.update(validators, last_success=now, consecutive_failures=0)
        except FetchError as exc:
            state.update(last_status="error", last_error=exc.reason, last_error_at=now,
                         failures=state["failures"] + 1, consecutive_failures=state["consecutive_failures"] + 1)
        state["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
        state["items"] += new_items
        state["consecutive_empty"] = 0 if new_items else state["consecutive_empty"] + 1
        # A failing source waits longer each time (up to a day): no hammering a site that is down.
        backoff = 2 ** min(state["consecutive_failures"], 6)
        state["next_due"] = now + timedelta(minutes=min(source.interval_minutes * backoff, 1440))
        self.store.save_source_state(state)
        self.on_poll({**state, "new": new_items})
        return state

    def run(self, *, rounds: int | None = None, stop: Callable[[], bool] = lambda: False) -> int:
        """Poll what is due, then sleep until the next source is due; `rounds` (or `stop()`) ends it.
        Returns the number of polls made."""
        polls = done = 0
        while not stop() and (rounds is None or done < rounds):
            for watcher in self.watchers:  # alerts a sink could not take last round go out again first
                watcher.retry_failed()
            for source in self.due(utcnow()):
                if stop():
                    break
                self.poll(source)
                polls += 1
            done += 1
            if rounds is not None and done >= rounds:
                break
            states = [self.store.source_state(s.name) for s in self.sources.sources]
            wake = min((s["next_due"] for s in states if s and s["next_due"]), default=utcnow())
            self.sleep(max(0.0, min((wake - utcnow()).total_seconds(), 5.0)))  # wake often enough to stop
        return polls

    def close(self) -> None:
        self.fetcher.close()


def _fresh_state(source: Source) -> dict:
    return {"name": source.name, "url": source.url, "etag": None, "last_modified": None, "polls": 0, "failures": 0,
            "consecutive_failures": 0, "consecutive_empty": 0, "items": 0, "first_polled": None,
            "last_polled": None, "last_success": None, "last_status": None, "last_error": None,
            "last_error_at": None, "latency_ms": None, "next_due": None}


def health(state: dict, source: Source | None, stale_after_polls: int) -> dict:
    """A source's health as `redline sources` shows it: items per day, and why it is flagged, if it is."""
    now = utcnow()
    days = max((now - state["first_polled"]).total_seconds() / 86400, 1 / 24) if state["first_polled"] else None
    flags = []
    if state["consecutive_failures"]:
        flags.append(f"failing ({state['consecutive_failures']} in a row): {state['last_error']}")
    if state["consecutive_empty"] >= stale_after_polls:
        flags.append(f"silent: nothing new in {state['consecutive_empty']} polls")
    if source and state["last_success"] and now - state["last_success"] > timedelta(
            minutes=source.interval_minutes * 4):
        flags.append(f"no success since {state['last_success']:%Y-%m-%d %H:%M}")
    if source is None:
        flags.append("no longer in the sources file")
    return {**state, "items_per_day": round(state["items"] / days, 1) if days else None, "flags": flags}
