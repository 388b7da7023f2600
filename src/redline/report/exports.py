"""Exports that analysts and other tools read: the store's articles, events, quotes and alerts as JSONL or
Parquet, and events as PLOVER JSON (the PLOVER manual's "Data Fields" chapter) or as a GDELT-like CSV with
CAMEO codes.

    export(store, what, fmt, out)   what: articles | events | quotes | alerts;  fmt: see FORMATS

Articles and events are read from the store a batch at a time and written as they come (Parquet in row groups of
10,000), so an export's memory does not grow with the store; nested values (actors, quantities, evidence) stay
nested in JSONL and PLOVER, and are JSON text in Parquet and CSV columns. Alerts are read whole: they are few.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO

from redline.errors import RedlineError
from redline.store import Store

WHAT = ("articles", "events", "quotes", "alerts")
FORMATS = ("jsonl", "parquet", "plover", "cameo-csv")
# Formats that describe events only.
EVENT_FORMATS = ("plover", "cameo-csv")
CODER = "redline"
# PLOVER 2.0's sixteen event categories. redline's own STATEMENT (a statement that carries no PLOVER act) is not
# one of them: the PLOVER export leaves it out; the CAMEO CSV keeps it under its CAMEO code (01, statements).
PLOVER_EVENTS = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                           "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
# CAMEO root codes by quad class (GDELT's QuadClass): verbal and material cooperation, verbal and material conflict.
QUAD_CLASS = {**{f"{r:02d}": 1 for r in range(1, 6)}, **{f"{r:02d}": 2 for r in range(6, 9)},
              **{f"{r:02d}": 3 for r in range(9, 14)}, **{f"{r:02d}": 4 for r in range(14, 21)}}
CAMEO_COLUMNS = ["GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
                 "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "EventCode", "EventBaseCode",
                 "EventRootCode", "QuadClass", "PLOVEREvent", "Modality", "ClaimedBy", "Sentence", "SOURCEURL",
                 "Outlet", "ArticleId", "Reciprocal"]


class ExportError(RedlineError):
    """An export that cannot be made as asked (a format for events only asked of articles, a missing library)."""


def rows(store: Store, what: str) -> Iterator[dict]:
    """The store's rows of one kind, as plain JSON-ready dicts."""
    if what == "articles":
        for article in store.iter_articles():
            yield article.to_json()
    elif what == "events":
        yield from _dated(store.iter_events())
    elif what == "quotes":
        for event in store.iter_events():
            if event.get("quote"):
                yield {**event["quote"], "event_id": event["id"], "article_id": event["article_id"],
                       "outlet": event["outlet"], "published": event["published"], "url": event["url"]}
    elif what == "alerts":
        yield from store.alerts(None, limit=None)
    else:
        raise ExportError(f"cannot export {what!r}: choose one of {', '.join(WHAT)}")


def _dated(events: Iterable[dict]) -> Iterator[dict]:
    """Events with the day they are known by: their own date, else their report's, else (an undated report, like
    the Korea Pro seed) the day its story was first seen, as the watch dates it; `date_basis` says which."""
    for event in events:
        for basis, value in (("event", event.get("date")), ("report", event.get("published")),
                             ("story", event.get("story_first_seen"))):
            if value:
                yield {**event, "date": value[:10], "date_basis": basis}
                break
        else:
            yield {**event, "date": None, "date_basis": None}


def plover_record(event: dict) -> dict:
    """One event as PLOVER JSON: the manual's required fields (id, date, actor, event) and the optional ones
    redline knows, with redline's own extensions (modality, quantities, claimed_by, reciprocal) under their own names."""
    evidence = event.get("evidence") or {}
    return {
        "id": f"{CODER}-{event['article_id']}-{event['id']}",
        "has_event": True,
        "date": event.get("date"),
        "actor": [_entity(party) for party in event.get("actor") or []],
        "recipient": [_entity(party) for party in event.get("recipient") or []],
        "event": [event["event"]],
        "mode": [event["mode"]] if event.get("mode") else [],
        "context": list(event.get("context") or []),
        "event_text": [evidence["trigger"]] if evidence.get("trigger") else [],
        "event_loc": {"name": event["place"]} if event.get("place") else None,
        "cite_info": {"url": event.get("url"), "source": event.get("outlet"), "title": event.get("title"),
                      "published": event.get("published"), "article_id": event["article_id"],
                      "sentence": evidence.get("sentence")},
        "coder": CODER,
        "modality": event.get("modality"),
        "quantities": event.get("quantities") or [],
        "claimed_by": event.get("claimed_by"),
        "reciprocal": bool(event.get("reciprocal")),
        "date_basis": event.get("date_basis"),
    }


def _entity(party: dict) -> dict:
    return {"code": party.get("code"), "sector": party.get("sector"), "text": party.get("text")}


def cameo_row(event: dict) -> dict:
    """One event as a GDELT-like row: CAMEO code, its base and root, quad class, the two actors' codes."""
    cameo = str(event.get("cameo") or "")
    root = cameo[:2]
    actor, recipient = (event.get("actor") or [{}])[0], (event.get("recipient") or [{}])[0]
    day = event.get("date") or ""
    return {
        "GLOBALEVENTID": event["id"], "SQLDATE": day.replace("-", ""),
        "Actor1Code": (actor.get("code") or "") + (actor.get("sector") or ""), "Actor1Name": actor.get("text"),
        "Actor1CountryCode": actor.get("code"), "Actor1Type1Code": actor.get("sector"),
        "Actor2Code": (recipient.get("code") or "") + (recipient.get("sector") or ""),
        "Actor2Name": recipient.get("text"), "Actor2CountryCode": recipient.get("code"),
        "Actor2Type1Code": recipient.get("sector"),
        "EventCode": cameo, "EventBaseCode": cameo[:3], "EventRootCode": root, "QuadClass": QUAD_CLASS.get(root),
        "PLOVEREvent": event["event"], "Modality": event.get("modality"),
        "ClaimedBy": json.dumps(event["claimed_by"]) if event.get("claimed_by") else None,
        "Reciprocal": int(bool(event.get("reciprocal"))),
        "Sentence": (event.get("evidence") or {}).get("sentence"), "SOURCEURL": event.get("url"),
        "Outlet": event.get("outlet"), "ArticleId": event["article_id"],
    }


def export(store: Store, what: str, fmt: str, out: Path | IO[str]) -> int:
    """Write one kind of row in one format to `out` (a path, or an open text stream for the text formats);
    returns how many rows were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt in EVENT_FORMATS and what != "events":
        raise ExportError(f"{fmt} describes events; export --what events (not {what})")
    found = rows(store, what)
    if fmt == "parquet":
        if not isinstance(out, Path):
            raise ExportError("Parquet is binary: give a file with --out")
        return _parquet(found, out)
    if fmt == "jsonl":
        return _lines(found, out)
    if fmt == "plover":
        return _lines((plover_record(e) for e in found if e["event"] in PLOVER_EVENTS), out)
    return _csv(map(cameo_row, found), out)


def _opened(out: Path | IO[str]):
    return out.open("w", encoding="utf-8", newline="") if isinstance(out, Path) else _Borrowed(out)


class _Borrowed:
    """An open stream used as a context manager without closing it (stdout)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def __enter__(self) -> IO[str]:
        return self.stream

    def __exit__(self, *exc) -> None:
        self.stream.flush()


def _lines(records: Iterable[dict], out: Path | IO[str]) -> int:
    count = 0
    with _opened(out) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count


def _csv(records: Iterable[dict], out: Path | IO[str]) -> int:
    count = 0
    with _opened(out) as handle:
        writer = csv.DictWriter(handle, fieldnames=CAMEO_COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow(record)
            count += 1
    return count


# Rows go to a Parquet file in groups of this many, so that memory stays bounded on a large store.
PARQUET_BATCH = 10_000


def _parquet(records: Iterable[dict], path: Path) -> int:
    pq = _pyarrow().parquet
    schema, batches = _record_batches(records)
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
            count += batch.num_rows
    return count


def export_partitioned(store: Store, what: str, directory: Path) -> int:
    """One kind of row as a Parquet dataset partitioned by day (`date=2024-10-21/`, Hive style: what Spark, DuckDB,
    Polars and pyarrow read as a column; `date=unknown` for the undated). A partition written again replaces the
    old one, so exporting twice stores nothing twice."""
    pa = _pyarrow()
    schema, batches = _record_batches(_with_day(what, rows(store, what)))
    if not schema.names:
        return 0  # nothing of this kind: no dataset
    count = 0

    def counted():
        nonlocal count
        for batch in batches:
            count += batch.num_rows
            yield batch

    pa.dataset.write_dataset(
        counted(), directory, schema=schema, format="parquet",
        partitioning=pa.dataset.partitioning(pa.schema([("date", pa.string())]), flavor="hive"),
        existing_data_behavior="delete_matching", basename_template="part-{i}.parquet")
    return count


def _with_day(what: str, records: Iterable[dict]) -> Iterator[dict]:
    for record in records:
        day = record.get("date") if what == "events" else (record.get("published") or "")[:10]
        yield {**record, "date": day or "unknown"}


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.dataset  # noqa: F401 - loads the submodules used through `pyarrow.`
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise ExportError("Parquet needs pyarrow: pip install 'redline[parquet]'") from exc
    return pyarrow


def _record_batches(records: Iterable[dict]):
    """(schema, record batches of PARQUET_BATCH rows). The first rows set the columns; a column they leave empty
    holds text (JSON for nested values): one schema for the whole file or dataset."""
    pa = _pyarrow()
    records = iter(records)
    first = [_flat(r) for r in islice(records, PARQUET_BATCH)]
    inferred = pa.Table.from_pylist(first).schema
    schema = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in inferred])

    def batches():
        batch = first
        while batch:
            yield pa.RecordBatch.from_pylist(batch, schema=schema)
            batch = [_flat(r) for r in islice(records, PARQUET_BATCH)]

    return schema, batches()


def _flat(record: dict) -> dict:
    """Nested values as JSON text, so that every column has one type whatever the row holds."""
    return {key: json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else
            (None if value is None else str(value) if not isinstance(value, (int, float, bool)) else value)
            for key, value in record.items()}
