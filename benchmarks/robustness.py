"""Benchmark of hostile and broken input: every malformed item gets one clear error, no traceback, nothing lost.

Each class of bad input is written to its own folder beside two good articles and ingested by the real CLI
(`redline ingest --json`, events coded, sentence embeddings off: they are the stories benchmark's), into one store.
Per class: items tried, errors reported, whether the CLI printed a traceback or failed, the good articles it lost,
and the child's peak memory (the bombs' figure). Then the whole set is ingested again: nothing may be stored twice.
Last, the analyst's files: seconds to refuse a 50 MB watchlist, a YAML nested 100,000 deep and a rule 10,000
parentheses deep.

Goals: tracebacks 0, items lost 0, items duplicated 0, peak memory on the bombs < 1 GiB, 50 MB watchlist < 2 s.

Usage: python benchmarks/robustness.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, finish

from redline.errors import RedlineError
from redline.settings import Settings
from redline.watch.watchlist import load_watchlist

ENV = {**os.environ, "REDLINE_STORY_EMBEDDINGS": "false", "PYTHONWARNINGS": "ignore"}
GOOD = ("The harbour council of {town} approved a budget of {n} million for the new pier on Tuesday, officials said. "
        "Engineers will begin dredging the berth next spring, and the ferry service will move to the east quay "
        "while the work goes on. Fishermen asked the council to keep the old slipway open during the winter season.")


def good_text(number: int) -> str:
    return GOOD.format(town=f"Port {number}", n=number * 3 + 7) + f"\n\nThe vote was {number + 5} to 2."


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6)


def warc_record(url: str, html: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Record-ID: <urn:uuid:{url[-8:]}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode() \
        + http + b"\r\n\r\n"


def html_page(number: int) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in good_text(number).split("\n\n"))
    return f"<html><head><title>Pier {number}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of spaces, compressed as a stream (a 1 GB bomb is ~1 MB on disk)."""
    out = io.BytesIO()
    chunk = b" " * 1_000_000
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as stream:
        for _ in range(size // len(chunk)):
            stream.write(chunk)
    return out.getvalue()


# --- the classes: each writes its files and returns how many malformed items they hold --------------------------

def truncated_gzip(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        data = gz(good_text(10_000 + i).encode() * 20)
        (folder / f"cut-{i}.txt.gz").write_bytes(data[: rng.randint(10, len(data) - 9)])
    return n


def truncated_warc(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        data = b"".join(gz(warc_record(f"https://example.org/{i:04d}{j:04d}", html_page(20_000 + i * 10 + j)))
                        for j in range(3))  # one gzip member per record, as crawlers write them
        (folder / f"cut-{i}.warc.gz").write_bytes(data[: rng.randint(10, len(data) - 9)])
    return n


def bombs(folder: Path, n: int, rng: random.Random, size: int = 1_000_000_000) -> int:
    """A gzip bomb as text, a WARC whose one record inflates to `size`, a feed of nested entities, HTML 100,000
    elements deep: each must be refused or read within bounded memory."""
    (folder / "bomb.txt.gz").write_bytes(gzip_bomb(size))
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/bomb\r\n"
            f"WARC-Record-ID: <urn:uuid:bomb>\r\nContent-Length: {len(http) + size}\r\n\r\n").encode()
    stream = io.BytesIO()
    with gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=9) as out:
        out.write(head + http)
        chunk = b" " * 1_000_000
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(b"\r\n\r\n")
    (folder / "bomb.warc.gz").write_bytes(stream.getvalue())
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (folder / "laughs.xml").write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}]>'
                                       '<rss version="2.0"><channel><title>&l9;</title><item><title>&l9;</title>'
                                       "<description>&l9;</description></item></channel></rss>")
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>")
    return 4


def binary_as_text(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        (folder / f"binary-{i}.txt").write_bytes(rng.randbytes(rng.randint(1, 20_000)))
    return n


def bad_encodings(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        text = good_text(30_000 + i).encode("utf-8")
        cut = rng.randint(0, len(text))
        kind = i % 3
        if kind == 0:  # invalid UTF-8 bytes in the middle
            data = text[:cut] + bytes(rng.randint(0x80, 0xFF) for _ in range(8)) + text[cut:]
        elif kind == 1:  # UTF-16 without a byte-order mark
            data = good_text(30_000 + i).encode("utf-16-le")
        else:  # a charset declared that does not exist
            data = b'<html><head><meta charset="x-unknown-42"></head><body><p>' + text + b"</p></body></html>"
        (folder / f"encoding-{i}.{'html' if kind == 2 else 'txt'}").write_bytes(data)
    return n


def nul_bytes(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        text = good_text(40_000 + i)
        at = rng.randint(0, len(text))
        (folder / f"nul-{i}.txt").write_text(text[:at] + "\x00" * rng.randint(1, 50) + text[at:])
    return n


def huge_text(folder: Path, n: int, rng: random.Random, size: int = 100_000_000) -> int:
    line = "The council met again and again to discuss the pier. " * 20 + "\n\n"
    with (folder / "huge.txt").open("w") as out:
        for _ in range(size // len(line)):
            out.write(line)
    return 1


def broken_jsonl(folder: Path, n: int, rng: random.Random) -> int:
    """One file of `n` bad records, of every kind a JSONL export goes wrong in."""
    kinds = [
        lambda i: json.dumps({"text": good_text(i)})[: rng.randint(1, 60)],  # cut short
        lambda i: json.dumps([1, 2, 3]),  # not an object
        lambda i: json.dumps({"title": "no text", "date": "2024-01-01"}),  # no text field
        lambda i: json.dumps({"text": None, "html": 42}),  # text of the wrong type
        lambda i: "[" * 5000 + "]" * 5000,  # nested too deep
        lambda i: json.dumps({"text": "", "title": ["a", "list"]}),  # empty text
        lambda i: "\x00\x01\x02 not json",
    ]
    with (folder / "broken.jsonl").open("w") as out:
        for i in range(n):
            out.write(kinds[i % len(kinds)](i) + "\n")
    return n


def deep_json(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        depth = 10 ** (3 + i % 3)
        (folder / f"deep-{i}.json").write_text('{"a":' * depth + "1" + "}" * depth)
    return n


def broken_feeds(folder: Path, n: int, rng: random.Random) -> int:
    for i in range(n):
        feed = (f'<rss version="2.0"><channel><title>Feed {i}</title><item><title>Item</title>'
                f"<description>{good_text(50_000 + i)}</description></item></channel></rss>")
        (folder / f"feed-{i}.xml").write_text(feed[: rng.randint(1, len(feed) - 1)])
    return n


CLASSES = {  # name → (writer, count in a full run, count in a smoke run)
    "truncated_gzip": (truncated_gzip, 200, 10),
    "truncated_warc": (truncated_warc, 200, 10),
    "bombs": (bombs, 1, 1),
    "binary_as_text": (binary_as_text, 300, 10),
    "bad_encodings": (bad_encodings, 300, 9),
    "nul_bytes": (nul_bytes, 200, 10),
    "huge_text": (huge_text, 1, 1),
    "broken_jsonl": (broken_jsonl, 48_000, 700),
    "deep_json": (deep_json, 30, 3),
    "broken_feeds": (broken_feeds, 200, 10),
}


def write_class(name: str, folder: Path, smoke: bool, rng: random.Random, serial: int) -> tuple[int, list[str]]:
    """The class's files and two good articles beside them; returns (malformed items, the good texts)."""
    writer, full, small = CLASSES[name]
    folder.mkdir(parents=True)
    if name == "bombs" and smoke:
        tried = bombs(folder, 1, rng, size=200_000_000)
    elif name == "huge_text" and smoke:
        tried = huge_text(folder, 1, rng, size=12_000_000)
    else:
        tried = writer(folder, small if smoke else full, rng)
    goods = [good_text(serial * 2 + k) for k in range(2)]
    for k, text in enumerate(goods):
        (folder / f"good-{k}.txt").write_text(text)
    return tried, goods


def ingest(db: str, folder: Path) -> dict:
    """Run the CLI on one folder: its JSON summary, whether it printed a traceback, its peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-m", "redline", "--db", db, "ingest", str(folder), "--json"],
                                   stdout=out, stderr=err, env=ENV, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory, not the max over all children
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        summary = json.loads(stdout)
    except json.JSONDecodeError:
        summary = {}
    return {"summary": summary, "traceback": b"Traceback" in stderr or process.returncode != 0,
            "peak_mb": round(usage.ru_maxrss / 1024, 1), "stderr": stderr.decode(errors="replace")[-2000:]}


def stored_texts(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as connection:
        return [row[0] for row in connection.execute("select text from articles")]


def watchlist_rejections(folder: Path) -> dict:
    """Seconds to refuse each oversized or overdeep watchlist, and whether the refusal was a clear error."""
    cases = {
        "watchlist_50mb": b"id: big\nproblem: " + b"x" * 50_000_000 + b"\n",
        "watchlist_yaml_100k_deep": b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "watchlist_rule_10k_deep": ((ROOT / "watchlists" / "korea-ukraine-aid.yaml").read_bytes()
                                    .replace(b"when: always", b"when: " + b"(" * 10_000 + b"always" + b")" * 10_000, 1)),
    }
    figures, clear = {}, True
    for name, raw in cases.items():
        path = folder / f"{name}.yaml"
        path.write_bytes(raw)
        (folder / "outlets.yaml").write_text("{}")
        start = time.perf_counter()
        try:
            load_watchlist(path, Settings())
            clear = False  # it should have been refused
        except RedlineError:
            pass
        except Exception:  # noqa: BLE001 - the figure is whether anything else escapes
            clear = False
        figures[f"{name}_reject_s"] = round(time.perf_counter() - start, 3)
    figures["watchlists_refused_clearly"] = float(clear)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        root, db_path = Path(tmp) / "input", Path(tmp) / "robust.db"
        db = f"sqlite:///{db_path}"
        goods, tried, failed, recovered, tracebacks, peaks = [], {}, {}, {}, [], {}
        start = time.perf_counter()
        for serial, name in enumerate(CLASSES):
            tried[name], good = write_class(name, root / name, args.smoke, rng, serial)
            goods += good
            run = ingest(db, root / name)
            failed[name] = run["summary"].get("failed", 0)
            # A malformed item may still hold an article (a stray byte, a charset that does not exist): stored.
            recovered[name] = max(0, run["summary"].get("stored", 0) - len(good))
            peaks[name] = run["peak_mb"]
            if run["traceback"]:
                tracebacks.append(name)
                print(f"{name}: traceback or exit {run['stderr'][-600:]}", file=sys.stderr)
            print(f"{name}: {tried[name]} malformed, {failed[name]} errors, {recovered[name]} recovered, "
                  f"peak {run['peak_mb']} MB", file=sys.stderr)
        seconds = time.perf_counter() - start
        texts = stored_texts(db_path)
        lost = sum(not any(good.split("\n\n")[0] in text for text in texts) for good in goods)
        again = ingest(db, root)
        duplicated = len(stored_texts(db_path)) - len(texts)
        tracebacks += ["re-run"] if again["traceback"] else []
        figures.update({
            "malformed_items": sum(tried.values()),
            "errors_reported": sum(failed.values()),
            "classes": len(CLASSES),
            "tracebacks": len(tracebacks),
            "good_articles": len(goods),
            "items_lost": lost,
            "items_duplicated": duplicated,
            "bombs_peak_rss_mb": peaks["bombs"],
            "max_class_peak_rss_mb": max(peaks.values()),
            "seconds": round(seconds, 1),
            "errors_by_class": failed,
            "recovered_by_class": recovered,
            "tried_by_class": tried,
        })
        figures.update(watchlist_rejections(Path(tmp)))
    figures["no_tracebacks"] = float(figures["tracebacks"] == 0)
    figures["nothing_lost_or_duplicated"] = float(figures["items_lost"] == 0 == figures["items_duplicated"])
    figures["bombs_under_1gib"] = float(figures["bombs_peak_rss_mb"] < 1024)
    figures["watchlist_50mb_under_2s"] = float(figures["watchlist_50mb_reject_s"] < 2)
    finish("robustness", figures, args.smoke)


if __name__ == "__main__":
    main()
