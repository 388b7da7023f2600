"""Backfills on a real local Ray: shards in, the same store as a replay of the same archive out, resumable."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import DONGA_SEED, KOREAPRO_SEED
from warcs import warc

from redline.backfill import find_shards, run_backfill
from redline.ingest import Document, read, read_shard
from redline.pipeline import run_ingest
from redline.report.exports import rows
from redline.settings import Settings
from redline.store import Store

ray = pytest.importorskip("ray")

ECB = Path(__file__).resolve().parents[2] / "shared" / "eval" / "stories" / "ecbplus_dev.jsonl"
needs_ecb = pytest.mark.skipif(not ECB.is_file(), reason="needs ../shared/eval/stories/ecbplus_dev.jsonl")


def _page(title: str, text: str, day: int) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (f'<html><head><title>{title}</title><meta property="article:published_time" '
            f'content="2024-10-{day:02d}T09:00:00+00:00"></head><body><article><h1>{title}</h1>{paragraphs}'
            f"</article></body></html>").encode()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """Four shards, as a crawl leaves them: two WARCs of news pages where the later-crawled shard holds the
    earlier-published original of a copy in the first (so only publication order names the original right), an
    exact copy across shards, the two seeds as text dumps, and a WARC cut short."""
    if not ECB.is_file():
        pytest.skip("needs ../shared/eval/stories/ecbplus_dev.jsonl")
    folder = tmp_path_factory.mktemp("archive")
    texts = [json.loads(line) for line in ECB.read_text().splitlines()[:16]]
    pages = [(f"https://news.example.org/{t['id']}", "text/html", _page(t["text"].split(".")[0][:80], t["text"],
                                                                         day=1 + n % 9))
             for n, t in enumerate(texts)]
    original = texts[0]["text"]
    copy = _page("A copy", original + "\nThe report was updated with comment from officials.", day=20)
    (folder / "CC-NEWS-0001.warc.gz").write_bytes(
        warc(pages[8:] + [("https://copies.example.net/1", "text/html", copy)]))
    (folder / "CC-NEWS-0002.warc.gz").write_bytes(warc(pages[:8] + [pages[9]]))  # pages[9]: an exact copy
    shutil.copy(DONGA_SEED, folder / DONGA_SEED.name)
    shutil.copy(KOREAPRO_SEED, folder / KOREAPRO_SEED.name)
    cut = warc(pages[:2])
    (folder / "CC-NEWS-0003.warc.gz").write_bytes(cut[:len(cut) - 40])
    return folder


@pytest.fixture(scope="module")
def local_ray():
    from redline.backfill import start_ray

    started = start_ray(workers=2)
    yield
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def replayed(archive, tmp_path_factory) -> Store:
    """The archive through plain ingest, in publication order (what `redline replay` does): the reference."""
    settings = Settings(db_url=f"sqlite:///{tmp_path_factory.mktemp('replay') / 'replay.db'}")
    store = Store.open(settings)
    run_ingest([str(archive)], store, settings=settings, by_publication=True)
    yield store
    store.close()


def _contents(store: Store) -> dict:
    articles = list(store.iter_articles())
    by_id = {a.id: a for a in articles}
    stories = Counter(a.story_id for a in articles)
    return {
        "articles": {a.id for a in articles},
        "copies": {(a.id, a.duplicate_of) for a in articles if a.duplicate_of},
        "events": Counter((e["article_id"], e["event"], tuple(p["code"] or "" for p in e["actor"] or ()), e["modality"])
                          for e in store.iter_events()),
        "story_sizes": sorted(stories.values()),
        "seed_outlets": {by_id[i].outlet for i in by_id if by_id[i].origin.endswith(".txt")},
        "seed_stories": {by_id[i].story_id for i in by_id if by_id[i].origin.endswith(".txt")},
    }


@needs_ecb
def test_a_backfill_stores_what_a_replay_of_the_same_archive_stores(archive, replayed, store, settings, local_ray):
    errors = []
    summary = run_backfill([str(archive)], store, settings=settings, workers=2, on_error=errors.append)
    assert summary.shards == 5 and summary.done_before == 0
    assert summary.failed == 1 and "truncated or corrupt WARC" in errors[0].reason  # the cut shard; the rest go on
    got, expected = _contents(store), _contents(replayed)
    assert got["articles"] == expected["articles"]
    # The copy crawled first but published later is the copy: the original is the earlier report
    assert len(got["copies"]) == 1 and got["copies"] == expected["copies"]
    assert got["events"] == expected["events"] and sum(got["events"].values()) > 10
    copy_id = next(iter(got["copies"]))[0]
    assert not [key for key in got["events"] if key[0] == copy_id]  # a copy is not evidence
    assert got["story_sizes"] == expected["story_sizes"]
    # The seeds: one story, two sources
    assert len(got["seed_stories"]) == 1 and len(got["seed_outlets"]) == 2
    assert summary.stored == len(got["articles"]) and summary.placed == len(got["articles"])


@needs_ecb
def test_a_stopped_backfill_reads_no_shard_twice_and_stores_nothing_twice(archive, replayed, store, settings,
                                                                         local_ray):
    class Stop(Exception):
        pass

    def stop_after_the_first_shard(done, total):
        if done == 1:
            raise Stop

    with pytest.raises(Stop):
        run_backfill([str(archive)], store, settings=settings, workers=2, on_shards=stop_after_the_first_shard)
    assert len(store.done_shards()) == 1
    first_items = store.counts().get("items_stored", 0)
    again = run_backfill([str(archive)], store, settings=settings, workers=2)
    assert again.done_before == 1 and again.shards == 5
    assert again.items < 16 + 9 + 2 + 2  # the finished shard was not read again
    assert first_items > 0
    got, expected = _contents(store), _contents(replayed)
    assert got["articles"] == expected["articles"] and got["events"] == expected["events"]
    assert got["copies"] == expected["copies"]
    third = run_backfill([str(archive)], store, settings=settings, workers=2)
    assert (third.done_before, third.items, third.stored, third.placed) == (5, 0, 0, 0)
    assert _contents(store)["events"] == expected["events"]


@needs_ecb
def test_the_backfill_command_writes_parquet_partitioned_by_day(archive, tmp_path):
    dataset = pytest.importorskip("pyarrow.dataset")
    db = tmp_path / "backfill.db"
    command = [sys.executable, "-m", "redline", "--db", f"sqlite:///{db}", "backfill", str(archive), "--workers", "2",
               "--parquet", str(tmp_path / "out"), "--json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["shards"] == 5 and summary["stored"] == 16 + 1 + 2 and summary["events"] > 10
    store = Store(f"sqlite:///{db}")
    events = dataset.dataset(tmp_path / "out" / "events", partitioning="hive").to_table()
    assert events.num_rows == store.event_count()
    assert Counter(events.column("date").to_pylist()) == Counter(e["date"] for e in rows(store, "events"))
    articles = dataset.dataset(tmp_path / "out" / "articles", partitioning="hive").to_table()
    assert articles.num_rows == store.counts()["articles"]
    assert set(articles.column("date").to_pylist()) >= {"2024-10-01", "2024-10-09", "2024-10-20"}
    assert sorted(articles.column("id").to_pylist()) == sorted(a.id for a in store.iter_articles())
    again = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads(again.stdout)["done_before"] == 5
    # Written again, each day's partition replaced, not doubled
    assert dataset.dataset(tmp_path / "out" / "events", partitioning="hive").to_table().num_rows == events.num_rows


def test_shards_are_local_files_and_a_url_is_refused(tmp_path):
    (tmp_path / "a.warc.gz").write_bytes(warc([("https://x.org/1", "text/html", b"<p>x</p>")]))
    shards, errors = find_shards([str(tmp_path), "https://example.org/cc-news.warc.gz", str(tmp_path / "nope")])
    assert [Path(s.path).name for s in shards] == ["a.warc.gz"]
    assert sorted(e.reason for e in errors) == ["a backfill reads local files: download the shards first",
                                                "no such file, folder or URL"]
    grown = tmp_path / "a.warc.gz"
    key = shards[0].key
    grown.write_bytes(grown.read_bytes() + warc([("https://x.org/2", "text/html", b"<p>y</p>")]))
    assert find_shards([str(grown)])[0][0].key != key  # a shard that grew is another shard


def test_a_warc_shard_is_streamed_whatever_its_size(tmp_path):
    settings = Settings(max_response_bytes=20_000)  # files over 200 KB are refused by the plain reader
    noise = random.Random(0)
    pages = [(f"https://x.org/{n}", "text/html", f"<html><body><article><p>Officials said the convoy left at dawn."
              f"</p><p>{noise.randbytes(600).hex()}</p></article></body></html>".encode()) for n in range(400)]
    big = tmp_path / "big.warc.gz"
    big.write_bytes(warc(pages))
    assert big.stat().st_size > 200_000
    refused = list(read(Document(str(big)), settings=settings))
    assert len(refused) == 1 and "over the size limit" in refused[0].reason
    streamed = list(read_shard(str(big), settings=settings))
    assert len(streamed) == 400 and all(item.url for item in streamed)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(big.read_bytes()[:-50])
    assert "truncated" in list(read_shard(str(cut), settings=settings))[-1].reason


@needs_ecb
def test_a_killed_backfill_restarted_reads_no_finished_shard_again(archive, replayed, tmp_path):
    import signal
    import time

    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "redline", "--db", f"sqlite:///{db}", "backfill", str(archive), "--workers", "1",
               "--json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and running.poll() is None:
            if db.exists() and len(Store(f"sqlite:///{db}").done_shards()) >= 1:
                break
            time.sleep(0.5)
        assert running.poll() is None, "the backfill ended before it could be killed"
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)  # the driver and the Ray it started, at once
        running.wait()
    done_before = len(Store(f"sqlite:///{db}").done_shards())
    assert 1 <= done_before < 5
    again = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    summary = json.loads(again.stdout)
    assert summary["done_before"] == done_before
    got, expected = _contents(Store(f"sqlite:///{db}")), _contents(replayed)
    assert got["articles"] == expected["articles"] and got["events"] == expected["events"]
    assert got["copies"] == expected["copies"]
