"""The store on a real PostgreSQL server (started by the tests in a temporary folder, see pg_testing.py): the
migrations, idempotent writes, two `redline ingest` processes and a `redline serve` at once, and the web's reads,
compared with the same work on SQLite. `make test-postgres` runs the rest of the suite on PostgreSQL too."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest
from conftest import EXAMPLES, ROOT
from loopback import free_port

from redline.settings import Settings
from redline.store import Store

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
CITIES = ["Seoul", "Kyiv", "Warsaw", "Tallinn", "Riga", "Vilnius", "Helsinki", "Oslo", "Bern", "Vienna"]


def articles_file(path, numbers) -> None:
    """JSONL articles, each a different report (distinct text, so a distinct id)."""
    with path.open("w") as handle:
        for n in numbers:
            city = CITIES[n % len(CITIES)]
            text = (f"Officials in {city} said on Monday that the council had approved {n + 3} new measures to "
                    f"support farmers after a dry summer, report number {n}.\n\nThe measures include loans and "
                    f"grants worth {n * 7 + 11} million, and will be reviewed in the spring, the officials said.")
            handle.write(json.dumps({"text": text, "title": f"{city} approves {n + 3} measures",
                                     "outlet": "Example Wire", "date": f"2024-10-{1 + n % 28:02d}T08:00:00+00:00",
                                     "url": f"https://news.example.com/{n}"}) + "\n")


def redline(db_url: str, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "redline", "--db", db_url, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def finished(process: subprocess.Popen, timeout: float = 240) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-2000:]
    return out


def test_migrations_reach_the_same_head_as_sqlite_and_reopening_changes_nothing(postgres_db, tmp_path):
    postgres = Store.open(Settings(db_url=postgres_db))
    sqlite = Store.open(Settings(db_url=f"sqlite:///{tmp_path / 'redline.db'}"))
    head = postgres.revision()
    assert head == sqlite.revision() is not None
    sqlite.close()
    postgres.close()
    again = Store.open(Settings(db_url=postgres_db))
    assert again.revision() == head
    again.close()


def test_ingest_twice_on_postgres_stores_once_and_reads_as_sqlite_does(postgres_db, tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'redline.db'}"
    watch = ("-w", str(SHIPPED))
    first = json.loads(finished(redline(postgres_db, "ingest", str(EXAMPLES), *watch, "--json")))
    second = json.loads(finished(redline(postgres_db, "ingest", str(EXAMPLES), *watch, "--json")))
    on_sqlite = json.loads(finished(redline(sqlite_url, "ingest", str(EXAMPLES), *watch, "--json")))
    assert first["stored"] == on_sqlite["stored"] >= 2
    assert second["stored"] == 0
    assert _read(postgres_db) == _read(sqlite_url)
    boards = [json.loads(finished(redline(url, "board", "-w", str(SHIPPED), "--as-of", "2024-10-24", "--json"))) for url in (postgres_db,
                                                                                                  sqlite_url)]
    levels = [{i["id"]: (i["level"], i["value"]) for i in board["indicators"]} for board in boards]
    assert levels[0] == levels[1] and any(level != "none" for level, _ in levels[0].values())


def _read(db_url: str) -> tuple:
    """What a reader gets back: the articles, their events (filtered by date too), the stories."""
    store = Store.open(Settings(db_url=db_url))
    try:
        events = store.events(limit=None)
        return ({a.id for a in store.articles(limit=None)},
                sorted((e["article_id"], e["event"], json.dumps(e["evidence"], sort_keys=True)) for e in events),
                len(store.events(limit=None, since="2024-10-01")), len(store.events(limit=None, since="2099-01-01")),
                sorted(len(store.story_articles(s["id"])) for s in store.stories(limit=None)))
    finally:
        store.close()


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        assert process.poll() is None, process.stderr.read()[-2000:]
        try:
            httpx.get(base + "/api/articles", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("redline serve did not come up")


def test_two_ingests_and_a_serve_at_once_store_each_article_once(postgres_db, tmp_path):
    left, right = tmp_path / "left.jsonl", tmp_path / "right.jsonl"
    articles_file(left, range(0, 30))
    articles_file(right, range(15, 45))  # 15 reports in both inputs
    port = free_port()
    server = redline(postgres_db, "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        ingests = [redline(postgres_db, "ingest", str(path), "--json") for path in (left, right)]
        seen_while_writing = []
        while any(p.poll() is None for p in ingests):
            response = httpx.get(base + "/api/articles", params={"limit": 1000}, timeout=30)
            assert response.status_code == 200
            seen_while_writing.append(len(response.json()))
            time.sleep(0.2)
        summaries = [json.loads(finished(p)) for p in ingests]
        assert sum(s["stored"] for s in summaries) == 45  # each report stored by one of the two, none twice
        listed = httpx.get(base + "/api/articles", params={"limit": 1000}, timeout=30).json()
        assert len(listed) == len({a["id"] for a in listed}) == 45
        assert seen_while_writing == sorted(seen_while_writing)  # readers never saw a write undone
        one = httpx.get(base + f"/api/articles/{listed[0]['id']}", timeout=30).json()
        assert one["id"] == listed[0]["id"] and one["text"]
        assert httpx.get(base + "/", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_a_database_url_that_cannot_be_reached_is_a_clear_error(postgres_server, tmp_path):
    broken = postgres_server.url("no_such_database")
    process = redline(broken, "ingest", str(EXAMPLES))
    out, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "no_such_database" in err and "Traceback" not in err


@pytest.fixture(autouse=True)
def _needs_the_driver():
    pytest.importorskip("psycopg", reason="psycopg 3 (pip install 'redline[postgres]') talks to PostgreSQL")
