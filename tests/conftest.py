"""Shared fixtures: the seeds, a fresh store per test (SQLite, or PostgreSQL), and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pg_testing
import pytest

from redline.settings import Settings
from redline.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).parent / "fixtures"
DONGA_SEED = EXAMPLES / "000_12d5fcdc00c0105a.txt"
KOREAPRO_SEED = EXAMPLES / "002_1eb44be5655063e6.txt"


# `REDLINE_TEST_DB=postgresql` runs every test that takes the `settings` fixture on a real PostgreSQL server
# (`make test-postgres`); by default they run on SQLite, and tests/test_postgres.py covers PostgreSQL in any run.
TEST_DB = os.environ.get("REDLINE_TEST_DB", "sqlite")


@pytest.fixture
def settings(tmp_path_factory, request) -> Settings:
    if TEST_DB == "postgresql":
        return Settings(db_url=request.getfixturevalue("postgres_db"), http_timeout_s=5.0)
    # The database lives apart from tmp_path, where tests write their inputs.
    return Settings(db_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'redline.db'}", http_timeout_s=5.0)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of its own on 127.0.0.1, in a temporary data directory, for this test session: the
    Debian `postgresql` package's binaries, run as the `postgres` user when the tests run as root (PostgreSQL
    refuses to run as root). Skipped, naming the package, where it is not installed."""
    server = pg_testing.Server.start()
    if server is None:
        pytest.skip(pg_testing.MISSING)
    yield server
    server.stop()


@pytest.fixture
def postgres_db(postgres_server) -> str:
    """A fresh, empty database on the session's server: its SQLAlchemy URL."""
    return postgres_server.new_database()


@pytest.fixture
def store(settings) -> Store:
    opened = Store.open(settings)
    yield opened
    opened.close()


class Site:
    """Routes served by the local server: path -> (status, content type, body bytes, extra headers)."""

    def __init__(self, base: str):
        self.base = base
        self.routes: dict[str, tuple[int, str, bytes, dict]] = {}
        self.hits: dict[str, int] = {}

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: dict | None = None) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data, headers or {})
        return self.base + path


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.site = Site(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.site
    server.shutdown()
    server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server wants
        site: Site = self.server.site
        site.hits[self.path] = site.hits.get(self.path, 0) + 1
        status, content_type, body, headers = site.routes.get(self.path, (404, "text/plain", b"not found", {}))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass
