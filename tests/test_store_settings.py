"""The store (SQLite file, WAL, migrations, time zones) and the settings precedence."""

import sqlite3
import time
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
from conftest import TEST_DB

from redline.errors import SettingsError, StoreError
from redline.records import Article, Author
from redline.settings import Settings
import redline.store
from redline.store import Outcome, Store


@pytest.mark.skipif(TEST_DB != "sqlite", reason="SQLite's file and journal mode; PostgreSQL: tests/test_postgres.py")
def test_store_is_a_migrated_sqlite_file_in_wal_mode(store, settings):
    path = settings.db_url.removeprefix("sqlite:///")
    assert store.revision() == "0011"
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0011"
    Store(settings.db_url).close()  # opening again is a no-op upgrade


@pytest.mark.skipif(TEST_DB != "sqlite", reason="SQLite's write lock")
def test_opening_a_store_at_head_does_not_wait_for_its_writer(store, settings):
    path = settings.db_url.removeprefix("sqlite:///")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # ingest in the middle of a write
    try:
        started = time.monotonic()
        reader = Store(settings.db_url)
        assert reader.revision() == store.revision() and time.monotonic() - started < 2  # not the 10 s busy wait
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def _open_store(url: str) -> str | None:
    return Store(url).revision()


def test_processes_opening_a_fresh_store_at_once_migrate_it_once(settings):
    # ingest, the web app and a watcher may all start on a store that has no schema yet
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=6) as pool:
        revisions = list(pool.map(_open_store, [settings.db_url] * 6))
    assert revisions == ["0011"] * 6


def test_articles_round_trip_with_time_zones_and_authors(store):
    kst = timezone(timedelta(hours=9))
    article = Article(id="a" * 32, text="Body text.", paragraphs=["Body text."], title="T", outlet="O",
                      published=datetime(2024, 10, 23, 8, 45, tzinfo=kst), authors=[Author("A B", "a@b.com")])
    assert store.write([Outcome(origin="x", raw_sha="1", article=article)]) == ["stored"]
    assert store.write([Outcome(origin="y", raw_sha="2", article=article)]) == ["duplicate"]
    loaded = store.article("a" * 32)
    assert loaded.published == datetime(2024, 10, 22, 23, 45, tzinfo=timezone.utc)
    assert loaded.authors == [Author("A B", "a@b.com")]
    assert store.seen("x", "1") and store.seen("y") and not store.seen("x", "other")


def test_unusable_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open or migrate"):
        Store(f"sqlite:///{bad}")


def test_settings_defaults_file_environment_overrides(tmp_path):
    assert Settings.load(None, env={"REDLINE_CONFIG": str(tmp_path / "absent.toml")}).db_url == "sqlite:///redline.db"
    config = tmp_path / "redline.toml"
    config.write_text('[redline]\ndb_url = "sqlite:///from-file.db"\nhttp_timeout_s = 3\n', encoding="utf-8")
    from_file = Settings.load(config, env={})
    assert from_file.db_url == "sqlite:///from-file.db" and from_file.http_timeout_s == 3.0
    from_env = Settings.load(config, env={"REDLINE_DB_URL": "sqlite:///env.db", "REDLINE_INGEST_BATCH_SIZE": "7"})
    assert from_env.db_url == "sqlite:///env.db" and from_env.ingest_batch_size == 7
    assert Settings.load(None, env={"REDLINE_STORY_EMBEDDINGS": "off"}).story_embeddings is False
    assert Settings.load(config, env={"REDLINE_DB_URL": "sqlite:///env.db"}, db_url="sqlite:///cli.db").db_url == \
        "sqlite:///cli.db"


def test_bad_settings_name_the_problem(tmp_path):
    config = tmp_path / "redline.toml"
    config.write_text('[redline]\ndb_ulr = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting.*db_ulr"):
        Settings.load(config, env={})
    with pytest.raises(SettingsError, match="ingest_batch_size"):
        Settings.load(None, env={"REDLINE_INGEST_BATCH_SIZE": "many"})
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "missing.toml", env={})


def test_upgrading_an_old_database_keeps_its_articles(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(Path(redline.store.__file__).parent / "migrations"))
    with create_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO articles (id, text, paragraphs, authors, ingested_at) "
            "VALUES ('old', 'Old text.', '[\"Old text.\"]', '[]', '2024-01-01 00:00:00')")
    store = Store(url)
    assert store.revision() == "0011"
    assert store.article("old").text == "Old text." and store.article("old").story_id is None
    assert store.counts()["events"] == 0 and [a.id for a in store.uncoded_articles()] == ["old"]
