"""`redline export`: the store's articles, events, quotes and alerts as JSONL, Parquet, PLOVER JSON and CAMEO CSV,
read back with the tools other programs would use (json, csv, pyarrow), from a store the real pipeline filled."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from redline.pipeline import run_ingest
from redline.records import MODALITIES
from redline.report.exports import CAMEO_COLUMNS, PLOVER_EVENTS, QUAD_CLASS, ExportError, export
from redline.watch import Watcher, load_watchlist

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"


@pytest.fixture
def filled(store, settings):
    run_ingest([str(EXAMPLES)], store, settings=settings, watchers=[Watcher(load_watchlist(SHIPPED), store)])
    return store


def exported(store, what: str, fmt: str) -> str:
    stream = io.StringIO()
    export(store, what, fmt, stream)
    return stream.getvalue()


def test_jsonl_holds_every_row_of_each_kind(filled):
    events = [json.loads(line) for line in exported(filled, "events", "jsonl").splitlines()]
    assert len(events) == filled.event_count() > 0
    assert len({e["id"] for e in events}) == len(events)
    articles = [json.loads(line) for line in exported(filled, "articles", "jsonl").splitlines()]
    assert {a["id"] for a in articles} == {a.id for a in filled.articles(limit=None)}
    quotes = [json.loads(line) for line in exported(filled, "quotes", "jsonl").splitlines()]
    assert quotes and all(q["text"] and q["event_id"] in {e["id"] for e in events} for q in quotes)
    alerts = [json.loads(line) for line in exported(filled, "alerts", "jsonl").splitlines()]
    assert len(alerts) == len(filled.alerts(None, limit=None))


def test_plover_records_carry_the_manuals_required_fields(filled):
    records = [json.loads(line) for line in exported(filled, "events", "plover").splitlines()]
    assert len(PLOVER_EVENTS) == 16
    assert len(records) == sum(e["event"] in PLOVER_EVENTS for e in filled.events(limit=None)) > 0
    for record in records:
        assert set(record) >= {"id", "date", "actor", "event"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["date"])
        assert set(record["event"]) <= PLOVER_EVENTS and record["modality"] in MODALITIES
        assert all(set(party) == {"code", "sector", "text"} for party in record["actor"] + record["recipient"])
        assert record["cite_info"]["sentence"] and record["coder"] == "redline"
    assert len({r["id"] for r in records}) == len(records)
    assert any(party["code"] == "PRK" for r in records for party in r["actor"])  # the seeds' story


def test_cameo_csv_reads_as_gdelt_like_rows(filled):
    rows = list(csv.DictReader(io.StringIO(exported(filled, "events", "cameo-csv"))))
    assert rows and list(rows[0]) == CAMEO_COLUMNS
    for row in rows:
        assert re.fullmatch(r"\d{8}", row["SQLDATE"])
        assert row["EventRootCode"] == row["EventCode"][:2]
        assert row["QuadClass"] == str(QUAD_CLASS.get(row["EventRootCode"], ""))
        assert row["PLOVEREvent"] in PLOVER_EVENTS | {"STATEMENT"}


def test_parquet_reads_back_with_pyarrow(filled, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    for what in ("articles", "events"):
        path = tmp_path / f"{what}.parquet"
        written = export(filled, what, "parquet", path)
        table = pq.read_table(path)
        assert table.num_rows == written > 0
    events = pq.read_table(tmp_path / "events.parquet").to_pylist()
    assert json.loads(events[0]["actor"])[0]["code"]  # nested values are JSON text


def test_a_format_for_events_asked_of_articles_is_a_clear_error(filled, tmp_path):
    with pytest.raises(ExportError, match="plover describes events"):
        export(filled, "articles", "plover", io.StringIO())
    with pytest.raises(ExportError, match="Parquet is binary"):
        export(filled, "events", "parquet", io.StringIO())
    with pytest.raises(ExportError, match="unknown format"):
        export(filled, "events", "xml", io.StringIO())


def test_the_cli_writes_files_and_stdout_and_says_what_it_wrote(filled, settings, tmp_path):
    command = [sys.executable, "-m", "redline", "--db", settings.db_url, "export"]
    done = subprocess.run([*command, "cameo-csv", "-o", str(tmp_path / "events.csv")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "events as cameo-csv" in done.stderr
    assert (tmp_path / "events.csv").read_text().startswith("GLOBALEVENTID,")
    piped = subprocess.run([*command, "plover"], capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0
    assert len(piped.stdout.splitlines()) == sum(e["event"] in PLOVER_EVENTS for e in filled.events(limit=None))
    refused = subprocess.run([*command, "plover", "--what", "articles"], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "plover describes events" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_store_streams_every_article_and_event_in_batches(filled):
    # Batches of two: every row once, in id order, whatever the batch size.
    assert [a.id for a in filled.iter_articles(batch=2)] == sorted(a.id for a in filled.articles(limit=None))
    streamed = [e["id"] for e in filled.iter_events(batch=2)]
    assert streamed == sorted(e["id"] for e in filled.events(limit=None))
    assert [e["id"] for e in filled.iter_events(batch=10_000)] == streamed
