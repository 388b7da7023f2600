"""Ingest from every supported input, with real files, a real SQLite store and a real HTTP server on 127.0.0.1."""

import dataclasses
import gzip
import json
import zlib

import pytest
from conftest import DONGA_SEED, FIXTURES, KOREAPRO_SEED
from warcs import warc

from redline.errors import ItemError
from redline.ingest import Document, read
from redline.pipeline import run_ingest

ARTICLE_HTML = (FIXTURES / "article.html").read_text(encoding="utf-8")
BODY = ("The defence ministry said on Monday that {n} artillery shells had been shipped to the front, a figure "
        "that officials described as the largest single delivery since the war began in February.")


def page(n: int) -> str:
    return (f"<html><head><title>Shipment {n}</title></head><body><article><h1>Shipment {n}</h1>"
            f"<p>{BODY.format(n=n)}</p><p>Officials declined to say when the next shipment of {n} shells would "
            f"leave, citing the security of the convoys and of the crews that drive them.</p></article></body></html>")


def ingest(paths, store, settings, **kwargs):
    errors = []
    summary = run_ingest([str(p) for p in paths], store, settings=settings, on_error=errors.append, **kwargs)
    return summary, errors


def test_text_files_are_stored_once(store, settings, tmp_path):
    summary, errors = ingest([DONGA_SEED, KOREAPRO_SEED], store, settings)
    assert (summary.stored, summary.duplicate, summary.failed, errors) == (2, 0, 0, [])
    again, _ = ingest([DONGA_SEED, KOREAPRO_SEED], store, settings)
    assert again.stored == 0 and again.skipped == 2
    copy = tmp_path / "copy.txt"
    copy.write_bytes(DONGA_SEED.read_bytes())
    duplicate, _ = ingest([copy], store, settings)
    assert duplicate.duplicate == 1 and duplicate.stored == 0
    assert store.counts()["articles"] == 2


def test_folder_recursive_with_gzip_html_json_jsonl(store, settings, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "a" / "b" / "seed.txt.gz").write_bytes(gzip.compress(DONGA_SEED.read_bytes()))
    (tmp_path / "a" / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / "list.json").write_text(json.dumps({"articles": [
        {"body": BODY.format(n=1), "headline": "One", "link": "https://www.reuters.com/x", "date": "2024-10-20"},
        {"body": BODY.format(n=2), "headline": "Two"},
    ]}), encoding="utf-8")
    (tmp_path / "records.jsonl").write_text("\n".join([
        json.dumps({"story": {"text": BODY.format(n=3)}, "title": "Three", "source": "Yonhap"}),
        "{not json",
        json.dumps({"nothing": "here"}),
    ]), encoding="utf-8")
    summary, errors = ingest([tmp_path], store, settings, fields=__import__("redline").ingest.FieldMap.parse(
        ["text=story.text"]))
    assert summary.stored == 5, errors
    assert summary.failed == 2
    assert {e.where.rsplit("#", 1)[-1] for e in errors} == {"line-2", "line-3"}
    assert "not valid JSON" in errors[0].reason and "no text or html field" in errors[1].reason
    by_title = {a.title: a for a in store.articles(limit=None)}
    assert by_title["One"].outlet == "Reuters" and by_title["One"].url == "https://www.reuters.com/x"
    assert by_title["Three"].outlet == "Yonhap News Agency"
    assert by_title["Presidential Office signals possible offensive weapons aid to Ukraine"].outlet == "The Dong-A Ilbo"


def test_bad_items_each_get_one_clear_error_and_the_run_goes_on(store, settings, tmp_path):
    ingest([DONGA_SEED], store, settings)
    bad = {
        "latin1.txt": ("caf\xe9 au lait, the ministry said in a statement on Monday.".encode("latin-1"),
                       "undecodable bytes at offset 3"),
        "truncated.txt.gz": (gzip.compress(KOREAPRO_SEED.read_bytes())[:200], "truncated gzip"),
        "empty.txt": (b"  \n", "empty file"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        "menu.html": (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
        "feed.xml": (b"Server error: please try again later", "not an RSS/Atom feed"),
    }
    for name, (data, _) in bad.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(BODY.format(n=9), encoding="utf-8")
    summary, errors = ingest([tmp_path, tmp_path / "missing.txt"], store, settings)
    reasons = {e.where.rsplit("/", 1)[-1]: e.reason for e in errors}
    for name, (_, expected) in bad.items():
        assert expected in reasons[name], (name, reasons.get(name))
    assert "no such file" in reasons["missing.txt"]
    assert summary.stored == 1 and summary.failed == len(bad) + 1
    assert store.counts()["articles"] == 2  # what was stored before is still there
    assert {origin.rsplit("/", 1)[-1] for origin, _ in store.failures()} == set(bad)


def test_warc_html_responses_and_truncatedwarc(store, settings, tmp_path):
    data = warc([
        ("https://www.yna.co.kr/view/1", "text/html; charset=utf-8", page(1).encode()),
        ("https://www.yna.co.kr/logo.png", "image/png", b"\x89PNG"),
        ("https://www.yna.co.kr/view/2", "text/html", page(2).encode()),
    ])
    (tmp_path / "news.warc.gz").write_bytes(data)
    summary, errors = ingest([tmp_path / "news.warc.gz"], store, settings)
    assert (summary.stored, summary.failed) == (2, 0), errors
    assert {a.url for a in store.articles()} == {"https://www.yna.co.kr/view/1", "https://www.yna.co.kr/view/2"}
    assert {a.outlet for a in store.articles()} == {"Yonhap News Agency"}
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) - 40])
    cut, errors = ingest([tmp_path / "cut.warc.gz"], store, settings)
    assert cut.failed == 1 and "truncated or corrupt WARC" in errors[0].reason
    assert cut.duplicate == 1  # the record read before the damage is a copy of one stored from news.warc.gz


def test_urls_feeds_linked_pages_and_http_errors(store, settings, site, tmp_path):
    site.add("/news/1", page(1))
    site.add("/news/2", page(2))
    site.add("/gone", "gone", status=404)
    full = "".join(f"<p>{BODY.format(n=n)}</p>" for n in (5, 6, 7, 8, 9))
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>The Korea Times</title>
      <item><title>Summary only</title><link>{site.base}/news/1</link><guid>n1</guid>
        <description>Short teaser.</description><pubDate>Tue, 22 Oct 2024 09:00:00 +0900</pubDate></item>
      <item><title>Full text</title><link>{site.base}/news/full</link><guid>n2</guid>
        <description><![CDATA[{full}]]></description></item>
      <item><title>Dead link</title><link>{site.base}/gone</link><guid>n3</guid><description>x</description></item>
    </channel></rss>"""
    feed_url = site.add("/feed.xml", rss, content_type="application/rss+xml")
    site.add("/notfeed.rss", "this is not xml at all", content_type="application/rss+xml")
    summary, errors = ingest([feed_url, f"{site.base}/news/2", f"{site.base}/gone", f"{site.base}/notfeed.rss"],
                             store, settings)
    assert summary.stored == 3, errors
    reasons = sorted(e.reason for e in errors)
    assert reasons[0].startswith("HTTP 404") and reasons[1].startswith("HTTP 404")
    assert "not an RSS/Atom feed" in reasons[2]
    by_title = {a.title: a for a in store.articles()}
    assert by_title["Shipment 1"].outlet == "The Korea Times"  # the feed names the outlet
    assert by_title["Shipment 1"].published.isoformat() == "2024-10-22T00:00:00+00:00"
    assert by_title["Full text"].text.count("artillery shells") == 5
    hits = dict(site.hits)
    again, _ = ingest([feed_url], store, settings)
    assert again.stored == 0 and site.hits["/news/1"] == hits["/news/1"]  # stored entries are not fetched again


def test_updated_version_is_linked_to_the_stored_one(store, settings, site):
    url = site.add("/story", page(1))
    ingest([url], store, settings)
    site.add("/story", page(1).replace("next shipment", "next two shipments"))
    summary, _ = ingest([url], store, settings)
    assert summary.stored == 1
    newest, oldest = sorted(store.articles(), key=lambda a: a.ingested_at, reverse=True)
    assert newest.version_of == oldest.id and oldest.version_of is None


def test_interrupted_run_resumes_without_loss_or_duplicates(store, settings, tmp_path):
    for n in range(6):
        (tmp_path / f"{n}.txt").write_text(BODY.format(n=n), encoding="utf-8")
    seen = []

    def stop_after_three(document, total):
        if document is not None:
            seen.append(document)
            if len(seen) == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ingest([str(tmp_path)], store, settings=settings, on_document=stop_after_three)
    assert store.counts()["articles"] == 3
    summary, _ = ingest([tmp_path], store, settings)
    assert (summary.stored, summary.skipped) == (3, 3)
    assert store.counts()["articles"] == 6


def test_outlet_boilerplate_is_learned_in_the_store(store, settings, tmp_path):
    """A line on every page of one outlet is learned as its boilerplate, and dropped from its later pages."""
    promo = "Our reporters cover the peninsula every day from Seoul and Washington for readers like you."
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text(f"{BODY.format(n=n)}\n{promo}\nDesk: desk{n}@donga.com", encoding="utf-8")
    ingest(sorted(tmp_path.glob("*.txt"))[:3], store, settings)
    first = {a.origin.rsplit("/", 1)[-1]: a for a in store.articles(limit=None)}
    assert all(promo in a.text for a in first.values())  # not known yet: kept
    assert promo.lower().rstrip(".") in store.learned_boilerplate("The Dong-A Ilbo")
    ingest(sorted(tmp_path.glob("*.txt"))[3:], store, settings)
    later = [a for a in store.articles(limit=None) if a.origin.endswith(("3.txt", "4.txt"))]
    assert len(later) == 2 and all(promo not in a.text and "artillery shells" in a.text for a in later)
    assert store.learned_boilerplate("Some Other Outlet") == frozenset()


def test_parallel_cleaning_stores_the_same_articles(settings, tmp_path, tmp_path_factory):
    from redline.settings import Settings
    from redline.store import Store

    for n in range(8):
        (tmp_path / f"{n}.html").write_text(page(n), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")  # fails while reading, in this process
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")  # in a worker
    results = {}
    for workers in (1, 2):
        db = tmp_path_factory.mktemp(f"w{workers}") / "r.db"
        store = Store.open(Settings(db_url=f"sqlite:///{db}"))
        summary, errors = ingest([tmp_path], store, settings, workers=workers)
        results[workers] = (summary.stored, summary.failed, sorted(a.id for a in store.articles(limit=None)))
        store.close()
    assert results[1] == results[2] and results[1][:2] == (8, 2)


def test_a_warc_cut_anywhere_is_an_error_never_a_quiet_short_read(store, settings, tmp_path):
    data = warc([(f"https://www.yna.co.kr/view/{n}", "text/html", page(n).encode()) for n in range(3, 6)])
    quiet = []
    for cut in sorted(set(range(8, len(data), max(1, len(data) // 60))) - _member_ends(data)):
        (tmp_path / "cut.warc.gz").write_bytes(data[:cut])
        results = list(read(Document(str(tmp_path / "cut.warc.gz")), settings=settings))
        if not any(isinstance(r, ItemError) for r in results):
            quiet.append(cut)
    assert quiet == []


def _member_ends(data: bytes) -> set[int]:
    """Where each gzip member ends: a WARC cut there is a well-formed, shorter WARC, not a damaged one."""
    ends, position = set(), 0
    while position < len(data):
        stream = zlib.decompressobj(31)
        stream.decompress(data[position:])
        position = len(data) - len(stream.unused_data)
        ends.add(position)
    return ends


def test_an_archived_page_over_the_size_limit_is_refused_and_the_next_is_read(store, settings, tmp_path):
    data = warc([("https://www.yna.co.kr/view/big", "text/html", b"<html><body><p>" + b" " * 3_000_000),
                  ("https://www.yna.co.kr/view/7", "text/html", page(7).encode())])
    (tmp_path / "big.warc.gz").write_bytes(data)
    small = dataclasses.replace(settings, max_response_bytes=1_000_000)
    summary, errors = ingest([tmp_path / "big.warc.gz"], store, small)
    assert (summary.stored, summary.failed) == (1, 1)
    assert "over the 1,000,000-byte limit" in errors[0].reason and "#urn:uuid:" in errors[0].where


def test_a_text_longer_than_any_article_is_refused_naming_the_setting(store, settings, tmp_path):
    (tmp_path / "log.txt").write_text((BODY.format(n=1) + "\n\n") * 6000)  # ~1.2 M characters
    (tmp_path / "ok.txt").write_text(BODY.format(n=2))
    summary, errors = ingest([tmp_path], store, settings)
    assert (summary.stored, summary.failed) == (1, 1)
    assert "max_article_chars" in errors[0].reason and errors[0].where.endswith("log.txt")


def test_json_fields_of_the_wrong_type_are_dropped_not_fatal(store, settings, tmp_path):
    records = [{"text": BODY.format(n=3), "title": ["a", "list"], "outlet": {"name": "x"}, "date": True,
                "authors": ["Kim Min-ji", 7, None]},
               {"text": BODY.format(n=4), "title": "Shipment four", "date": 1729504800}]
    (tmp_path / "typed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    summary, errors = ingest([tmp_path / "typed.jsonl"], store, settings)
    assert (summary.stored, summary.failed) == (2, 0), errors
    first, second = sorted(store.articles(), key=lambda a: a.text)
    assert first.title is None and first.outlet is None and first.published is None
    assert [a.name for a in first.authors] == ["Kim Min-ji"]
    assert second.title == "Shipment four" and second.published.year == 2024  # a Unix timestamp is a date


def test_markdown_files_and_reader_tool_json_are_read_as_articles(store, settings, tmp_path):
    # What reader tools return of a page: Markdown, alone or in JSON (Firecrawl's {"markdown", "metadata"}).
    links = " ".join(f"[{word}](https://news.example.org/{word.lower()})" for word in ("Home", "World", "Politics"))
    body = BODY.format(n="[40,000](https://news.example.org/shells)")
    (tmp_path / "page.md").write_text(f"{links}\n\n# Shipment\n\n{body}\n\n*{BODY.format(n=7)}*\n", encoding="utf-8")
    (tmp_path / "scraped.json").write_text(json.dumps({
        "markdown": f"{links}\n\n## Convoys\n\n{BODY.format(n=9)}\n\n[Read more](https://news.example.org/more)",
        "metadata": {"title": "Convoys", "sourceURL": "https://www.yna.co.kr/view/AEN2024"}}), encoding="utf-8")
    summary, errors = ingest([tmp_path], store, settings)
    assert (summary.stored, errors) == (2, [])
    by_title = {a.title: a for a in store.articles(limit=None)}
    assert by_title["Shipment"].text.startswith(BODY.format(n="40,000"))
    assert by_title["Convoys"].text == BODY.format(n=9)
    assert by_title["Convoys"].url == "https://www.yna.co.kr/view/AEN2024"
    assert not any("](" in a.text or "http" in a.text for a in by_title.values())
