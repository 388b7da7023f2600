"""The collector against a real local HTTP server that misbehaves on purpose: feeds that change, 304s, 500s,
timeouts, malformed XML, a redirect loop, a huge response, robots.txt, and a kill -9 in the middle of a run."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ROOT
from test_cli import redline

from redline.collect import Collector, SourceList, SourcesError, load_sources, refuse_private
from redline.errors import FetchError
from redline.settings import Settings
from redline.store import Store


TROOPS = ["North Korea has sent 3,000 more troops to Russia, South Korean intelligence said on Monday.",
          "The deployment was confirmed by officials in Seoul after satellite images were studied for weeks.",
          "Analysts said the move deepens the military partnership between Pyongyang and Moscow this year."]


SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"


def article_html(number: int, troops: bool = False) -> str:
    sentences = TROOPS if troops else [f"Report {number}: the harbour authority of town {number} counted {number * 7} ships on Monday.",
                 f"Officials in district {number} said the new pier would open within {number + 2} weeks.",
                 "Fishermen welcomed the plan but asked for more berths and a second crane for the winter season.",
                 f"The council of town {number} approved a budget of {number * 3} million for the harbour works.",
                 "Engineers expect the dredging to finish before the storms of the late autumn reach the coast."]
    body = "".join(f"<p>{s} {s}</p>" for s in sentences)
    return (f"<html><head><title>Harbour report {number}</title></head><body><article><h1>Harbour report "
            f"{number}</h1>{body}</article></body></html>")


class Farm(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.entries = [1, 2]
        self.hits: dict[str, list[float]] = {}
        self.page_delay = 0.0
        self.started = time.time()  # entries are dated from here: the feed only changes when its entries do
        self.troops = False  # pages about North Korean troops (events and a watchlist alert) instead of harbours
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def feed(self) -> bytes:
        items = "".join(f"<item><title>Harbour report {n}</title><link>{self.base}/page/{n}</link>"
                        f"<guid>{self.base}/page/{n}</guid><description>Short summary {n}.</description>"
                        f"<pubDate>{formatdate(self.started - 3600 * n, usegmt=True)}</pubDate></item>" for n in self.entries)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
                f"<link>{self.base}</link>{items}</channel></rss>").encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server wants
        farm: Farm = self.server
        farm.hits.setdefault(self.path, []).append(time.monotonic())
        if self.path == "/feed.xml":
            body = farm.feed()
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", {"ETag": etag})
            return self._send(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})
        if self.path.startswith("/page/"):
            time.sleep(farm.page_delay)
            return self._send(200, article_html(int(self.path.rsplit("/", 1)[1]), farm.troops).encode(),
                              {"Content-Type": "text/html; charset=utf-8"})
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
        if self.path == "/error.xml":
            return self._send(500, b"oops", {})
        if self.path == "/slow.xml":
            time.sleep(2.5)
            return self._send(200, farm.feed(), {})
        if self.path == "/bad.xml":
            return self._send(200, b"<rss><channel><item><title>broken", {"Content-Type": "application/rss+xml"})
        if self.path == "/loop":
            return self._send(302, b"", {"Location": "/loop"})
        if self.path == "/huge.xml":
            return self._send(200, b"<rss>" + b" " * 3_000_000 + b"</rss>", {"Content-Type": "application/rss+xml"})
        return self._send(404, b"not found", {})

    def _send(self, status: int, body: bytes, headers: dict):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def farm():
    server = Farm()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def quick(tmp_path_factory):
    """Settings for collecting fast: no event coding or embeddings (tested elsewhere), short timeouts."""
    return Settings(db_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'redline.db'}", http_timeout_s=1.0,
                    max_response_bytes=1_000_000, code_events=False, story_embeddings=False)


def sources(farm, *paths, **options) -> SourceList:
    return SourceList.model_validate({
        "sources": [{"name": path.strip("/"), "url": farm.base + path, "allow_private": True} for path in paths],
        "min_host_gap_s": 0, "retries": 2, "backoff_s": 0.01, **options})


def collector(quick, listed) -> tuple[Collector, Store]:
    store = Store.open(quick)
    return Collector(store, quick, listed, sleep=lambda s: time.sleep(min(s, 0.5))), store


def test_new_entries_are_stored_once_and_304_costs_nothing(farm, quick):
    polls, store = collector(quick, sources(farm, "/feed.xml"))
    first = polls.poll(polls.sources.sources[0])
    assert (first["last_status"], store.counts()["articles"]) == ("200", 2)
    second = polls.poll(polls.sources.sources[0])
    assert second["last_status"] == "304" and store.counts()["articles"] == 2
    assert len(farm.hits["/page/1"]) == 1  # a page is fetched once
    farm.entries.append(3)  # the feed changes
    third = polls.poll(polls.sources.sources[0])
    assert third["last_status"] == "200" and store.counts()["articles"] == 3
    assert len(farm.hits["/page/1"]) == 1 and len(farm.hits["/page/3"]) == 1
    assert third["items"] == 3 and third["consecutive_empty"] == 0 and third["latency_ms"] > 0


def test_every_kind_of_failure_is_reported_on_its_source_and_the_round_goes_on(farm, quick):
    listed = sources(farm, "/error.xml", "/slow.xml", "/bad.xml", "/loop", "/huge.xml", "/missing.xml",
                     "/private/feed.xml", "/feed.xml")
    polls, store = collector(quick, listed)
    assert polls.run(rounds=1) == 8
    states = {s["name"]: s for s in store.source_states()}
    assert states["error.xml"]["last_error"] == "HTTP 500 Internal Server Error"
    assert len(farm.hits["/error.xml"]) == 3  # the first try and two retries
    assert "timed out" in states["slow.xml"]["last_error"]
    assert "1 item(s) failed" in states["bad.xml"]["last_error"] and "no link" in states["bad.xml"]["last_error"]
    assert "redirects" in states["loop"]["last_error"]
    assert "limit" in states["huge.xml"]["last_error"]
    assert states["missing.xml"]["last_error"].startswith("HTTP 404") and len(farm.hits["/missing.xml"]) == 1
    assert states["private/feed.xml"]["last_error"] == "robots.txt disallows it"
    assert "/private/feed.xml" not in farm.hits
    assert states["feed.xml"]["last_status"] == "200" and store.counts()["articles"] == 2
    failing = next(s for s in store.source_states() if s["name"] == "error.xml")
    assert failing["next_due"] > states["feed.xml"]["next_due"]  # a failing source waits longer


def test_private_targets_are_refused_unless_allowed(farm, quick):
    with pytest.raises(FetchError, match="private address"):
        refuse_private(farm.base + "/feed.xml", allowed_hosts=set())
    with pytest.raises(FetchError, match="private address"):
        refuse_private("http://169.254.169.254/latest/meta-data/", allowed_hosts=set())
    refuse_private(farm.base + "/feed.xml", allowed_hosts={"127.0.0.1"})
    listed = SourceList.model_validate({"sources": [{"name": "intranet", "url": farm.base + "/feed.xml"}],
                                        "min_host_gap_s": 0})
    polls, store = collector(quick, listed)
    state = polls.poll(listed.sources[0])
    assert "private address" in state["last_error"] and "/feed.xml" not in farm.hits


def test_one_request_per_host_per_gap(farm, quick):
    farm.entries = [1, 2, 3]
    polls, _ = collector(quick, sources(farm, "/feed.xml", min_host_gap_s=0.3))
    polls.poll(polls.sources.sources[0])
    times = sorted(t for hits in farm.hits.values() for t in hits)  # robots, feed, three pages
    assert len(times) == 5
    assert all(later - earlier >= 0.28 for earlier, later in zip(times, times[1:]))


def test_sources_file_errors_are_clear(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    url: ftp://example.org/feed\n")
    with pytest.raises(SourcesError, match=r"sources\.0\.url"):
        load_sources(path)


def test_collect_and_sources_commands_code_and_watch(farm, tmp_path):
    farm.entries, farm.troops = [1], True
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - name: harbour\n    url: {farm.base}/feed.xml\n    allow_private: true\n"
                    "min_host_gap_s: 0\n")
    result = redline("collect", "--sources", path, "--rounds", "1", "--watchlist", SHIPPED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "✓ harbour: 200, 1 new" in result.stderr
    events = [json.loads(line) for line in redline("events", "--json", cwd=tmp_path).stdout.splitlines()]
    assert any(e["event"] == "AID" and e["quantities"] for e in events)  # coded as it was stored
    assert "ALERT nk-troops-in-russia: none → warning (value 3000 troops)" in result.stderr  # and watched
    listed = [json.loads(line) for line in redline("sources", "--json", cwd=tmp_path).stdout.splitlines()]
    assert listed[0]["name"] == "harbour" and listed[0]["items"] == 1 and listed[0]["flags"] == []
    table = redline("sources", cwd=tmp_path)
    assert "harbour" in table.stdout and "ok" in table.stdout


def test_a_source_that_stops_yielding_is_flagged(farm, quick):
    polls, store = collector(quick, sources(farm, "/feed.xml", stale_after_polls=2))
    for _ in range(3):
        polls.poll(polls.sources.sources[0])
    from redline.collect import health

    (state,) = store.source_states()
    assert health(state, polls.sources.sources[0], 2)["flags"] == ["silent: nothing new in 2 polls"]


def test_kill_9_mid_run_loses_nothing_and_stores_nothing_twice(farm, tmp_path):
    farm.entries = list(range(1, 21))
    farm.page_delay = 0.15
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - name: harbour\n    url: {farm.base}/feed.xml\n    allow_private: true\n"
                    "min_host_gap_s: 0\n")
    env = {**os.environ, "REDLINE_CODE_EVENTS": "false", "REDLINE_STORY_EMBEDDINGS": "false",
           "REDLINE_INGEST_BATCH_SIZE": "3"}
    process = subprocess.Popen([sys.executable, "-m", "redline", "collect", "--sources", str(path), "--rounds", "1"],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(farm.hits.get("/page/8", [])) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    store = Store(f"sqlite:///{tmp_path / 'redline.db'}")
    stored_before = store.counts()["articles"]
    assert 0 < stored_before < 20  # killed mid-run, with some batches stored
    again = subprocess.run([sys.executable, "-m", "redline", "collect", "--sources", str(path), "--rounds", "1"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    articles = store.articles(limit=None)
    assert len(articles) == 20 and len({a.url for a in articles}) == 20
    assert all(len(farm.hits[f"/page/{n}"]) == 1 for n in range(1, 21) if n > stored_before + 3)


def test_the_shipped_sources_file_loads():
    listed = load_sources(ROOT / "watchlists" / "sources.yaml")
    assert listed.sources and all(s.url.startswith("https://") and not s.allow_private for s in listed.sources)
    assert listed.respect_robots and listed.min_host_gap_s >= 1


def test_a_listed_page_is_collected_and_not_stored_twice(farm, quick):
    polls, store = collector(quick, sources(farm, "/page/5"))
    first = polls.poll(polls.sources.sources[0])
    assert first["last_status"] == "200" and store.counts()["articles"] == 1
    again = polls.poll(polls.sources.sources[0])
    assert again["last_status"] == "200" and store.counts()["articles"] == 1 and again["consecutive_empty"] == 1
