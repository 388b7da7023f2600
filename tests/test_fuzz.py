"""Fuzzing the parts that read what others wrote: the readers, the cleaner, the rule parser, the watchlist loader.

Whatever the input, each gives a record or a RedlineError naming the problem (an ItemError for an item, a RuleError
or WatchlistError for the analyst's files), never another exception. Inputs are both raw bytes and mangled versions
of well-formed documents, so that the fuzzer reaches past the first byte of each format. Time-bounded: a few
hundred examples per target, no deadline per example (the cleaner's first call loads its models).
"""

import gzip
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.clean import clean_item
from redline.errors import ItemError
from redline.ingest import Document, read
from redline.records import Article, RawItem
from redline.settings import Settings
from redline.watch.rules import Rule, RuleError, parse_rule
from redline.watch.watchlist import Watchlist, WatchlistError, load_watchlist

pytestmark = pytest.mark.filterwarnings("ignore")  # feedparser and warcio warn on the garbage they are fed
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SETTINGS = Settings(max_response_bytes=200_000)

# --- inputs -----------------------------------------------------------------------------------------------------

words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4),
    max_leaves=20,
)
fields = st.sampled_from(["text", "html", "title", "date", "published", "outlet", "authors", "url", "body"])
records = st.dictionaries(fields, json_values | words, max_size=6)


def _feed(title: str, body: str, date: str, link: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
            f"<link>{link}</link><pubDate>{date}</pubDate><description>{body}</description></item>"
            "</channel></rss>").encode("utf-8", "surrogatepass")


def _warc(body: bytes, url: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Record-ID: <urn:uuid:1>\r\nContent-Length: {len(http)}\r\n\r\n").encode("utf-8", "replace")
    return head + http + b"\r\n\r\n"


def _mangled(data: bytes, cuts: list[int], junk: bytes) -> bytes:
    """Truncate at, or splice junk into, a few places: where real-world files break."""
    for cut in cuts:
        cut %= len(data) + 1
        data = data[:cut] + junk + data[cut + len(junk):] if junk else data[:cut]
    return data


well_formed = st.one_of(
    st.tuples(st.just(".json"), st.lists(records, max_size=3).map(lambda r: json.dumps(r).encode())),
    st.tuples(st.just(".jsonl"), st.lists(records, max_size=4).map(
        lambda r: "\n".join(json.dumps(x) for x in r).encode())),
    st.tuples(st.just(".xml"), st.builds(_feed, words, words, words, words)),
    st.tuples(st.just(".warc"), st.builds(_warc, st.binary(max_size=300), words)),
    st.tuples(st.just(".html"), words.map(lambda w: f"<html><head><title>{w}</title></head><body><p>{w}</p>"
                                                   f"<article>{w * 5}</article></body></html>".encode())),
    st.tuples(st.just(".txt"), words.map(lambda w: (w + "\n\n") * 5).map(lambda t: t.encode())),
)
documents = st.one_of(
    st.tuples(st.sampled_from([".txt", ".html", ".json", ".jsonl", ".xml", ".rss", ".warc", ".warc.gz", ".gz", ""]),
              st.binary(max_size=2000)),
    st.tuples(well_formed, st.lists(st.integers(0, 4000), max_size=3), st.binary(max_size=8)).map(
        lambda t: (t[0][0], _mangled(t[0][1], t[1], t[2]))),
    well_formed.map(lambda t: (t[0] + ".gz", gzip.compress(t[1]))),
    st.tuples(well_formed, st.integers(1, 200)).map(lambda t: (t[0][0] + ".gz", gzip.compress(t[0][1])[:-t[1]])),
)


def _only_records_or_item_errors(results: list) -> list[RawItem]:
    for result in results:
        assert isinstance(result, (RawItem, ItemError)), result
        if isinstance(result, ItemError):
            assert result.where and str(result)  # it names the item and says what is wrong
    return [r for r in results if isinstance(r, RawItem)]


# --- readers and cleaner ----------------------------------------------------------------------------------------

@FUZZ
@given(documents)
def test_any_file_gives_raw_items_or_item_errors(tmp_path_factory, document):
    suffix, data = document
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    items = _only_records_or_item_errors(list(read(Document(str(path)), settings=SETTINGS)))
    for item in items:
        _cleaned_or_item_error(item)


def _cleaned_or_item_error(item: RawItem) -> None:
    try:
        article = clean_item(item, settings=SETTINGS).article
    except ItemError as error:
        assert error.where == item.origin
    else:
        assert isinstance(article, Article) and article.text.strip()
        assert article.url is None or article.url.startswith(("http://", "https://"))


hints = st.fixed_dictionaries({}, optional={"title": json_values, "published": json_values | words,
                                            "outlet": json_values, "authors": st.lists(json_values, max_size=3)})


@FUZZ
@given(st.sampled_from(["text/plain", "text/html"]),
       st.one_of(words, st.text(max_size=3000), well_formed.map(lambda t: t[1].decode("utf-8", "replace"))),
       st.none() | words, hints)
def test_any_raw_item_cleans_or_gives_an_item_error(media_type, content, url, hints):
    _cleaned_or_item_error(RawItem(origin="fuzz#1", media_type=media_type, content=content, url=url, hints=hints))


# --- rule parser ------------------------------------------------------------------------------------------------

LEVELS = {"troops": ["watch", "warning", "crossed"], "aid": ["watch", "crossed"]}
rule_tokens = st.sampled_from(["(", ")", "not", "and", "or", "troops", "aid", ">=", ">", "=", "!=", "<", "crossed",
                               "watch", "warning", "always", "high", "1", "'", "\"", "≥", ","])
rules = st.one_of(words, st.lists(rule_tokens, max_size=30).map(" ".join),
                  st.tuples(st.integers(0, 5000), st.sampled_from(["(", "not "])).map(
                      lambda t: t[1] * t[0] + "troops >= watch" + (")" * t[0] if t[1] == "(" else "")))


@FUZZ
@given(rules)
def test_any_rule_parses_or_gives_a_rule_error(text):
    try:
        rule = parse_rule(text, LEVELS)
    except RuleError as error:
        assert str(error)
    else:
        assert isinstance(rule, Rule)
        held = rule.holds({"troops": 2, "aid": 1})
        assert held in (True, False)


# --- watchlist loader -------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = yaml.safe_load((ROOT / "watchlists" / "korea-ukraine-aid.yaml").read_text(encoding="utf-8"))


def _with(document, path: list, value):
    """The document with the value at `path` (a list of choices of keys/indices) replaced."""
    node = document
    for choice in path[:-1]:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        if not children:
            break
        node = children[choice % len(children)][1]
        if not isinstance(node, (dict, list)):
            break
    if isinstance(node, dict) and node:
        node[list(node)[path[-1] % len(node)]] = value
    elif isinstance(node, list) and node:
        node[path[-1] % len(node)] = value
    return document


watchlists = st.one_of(
    st.binary(max_size=1000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(st.lists(st.integers(0, 50), min_size=1, max_size=5), json_values | words).map(
        lambda t: yaml.safe_dump(_with(json.loads(json.dumps(SHIPPED)), t[0], t[1]), allow_unicode=True).encode()),
    st.integers(0, 3000).map(lambda n: ("a: " + "[" * n + "]" * n).encode()),
    st.integers(0, 3000).map(lambda n: "".join(f"{'  ' * i}k:\n" for i in range(n)).encode()),
)


@FUZZ
@given(watchlists, st.sampled_from([b"Yonhap: A\n", b"\xff\xfe not a table \x00", b"[[[", b"- A\n"]))
def test_any_watchlist_loads_or_gives_a_watchlist_error(tmp_path_factory, raw, table):
    folder = tmp_path_factory.mktemp("watchlist")
    (folder / "outlets.yaml").write_bytes(table)  # the reliability table it names, good or garbage
    path = folder / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        watchlist = load_watchlist(path)
    except WatchlistError as error:
        assert str(path) in str(error) or "outlets.yaml" in str(error)
    else:
        assert isinstance(watchlist, Watchlist)
        assert watchlist.rules is not None


def test_the_fuzzers_own_inputs_are_well_formed_before_they_are_mangled(tmp_path):
    """A guard on the test itself: unmangled, the generators give documents the readers accept."""
    (tmp_path / "feed.xml").write_bytes(_feed("Troops sent", "North Korea sent troops to Russia, officials said. " * 40,
                                              "Mon, 21 Oct 2024 10:00:00 GMT", "https://example.org/a"))
    body = b"<html><body><article><p>North Korea sent troops to Russia, officials said.</p></article></body></html>"
    (tmp_path / "pages.warc.gz").write_bytes(gzip.compress(_warc(body, "https://example.org/b")))
    (tmp_path / "records.jsonl").write_text(json.dumps({"text": "Seoul said it would consider weapons."}))
    for name in ["feed.xml", "pages.warc.gz", "records.jsonl"]:
        (item,) = list(read(Document(str(tmp_path / name)), settings=SETTINGS))
        assert isinstance(item, RawItem), (name, item)
    assert load_watchlist(ROOT / "watchlists" / "korea-ukraine-aid.yaml").id == SHIPPED["id"]
