"""Benchmark of the clean stage: extraction quality on HTML and on plain-text dumps, throughput, peak memory.

- HTML: the ScrapingHub article-extraction set with its own metric (4-word shingle multisets, precision and recall
  per page, averaged; F1 of the averages). trafilatura alone runs in the same process as the baseline.
- Plain-text dumps: the same pages rendered to text by a full-page converter (inscriptis), with the defects seen
  in the seeds injected under a fixed random seed, scored against the same gold. A simple heuristic (keep lines of
  at least ten words) is the baseline. Dates and bylines are injected too, so their extraction is scored.
- Metadata: title, authors and published day on the same pages against benchmarks/data/metadata.jsonl, beside
  trafilatura alone and htmldate alone, and as ratios to trafilatura; speeds as ratios to trafilatura alone.

Usage: python benchmarks/clean.py [--smoke] [--limit N]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import unicodedata
import warnings
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import EVAL, Timer, finish, half_of, peak_rss_mb

from redline.clean import clean
from redline.errors import ItemError
from redline.records import RawItem

SCRAPINGHUB = EVAL / "extraction" / "scrapinghub"
SMOKE_PAGES = 30
SEED = 20241023

# --- the ScrapingHub metric ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    gold, got = _shingles(true), _shingles(pred)
    tp = sum((gold & got).values())
    fp = sum((got - gold).values())
    fn = sum((gold - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(rows: list[tuple[float, float, float]]) -> dict:
    precisions = [1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))
                  for tp, fp, fn in rows if tp + fp > 0]
    recalls = [1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))
               for tp, fp, fn in rows if tp + fn > 0]
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return {"f1": round(2 * p * r / (p + r), 4), "precision": round(p, 4), "recall": round(r, 4)}


def load_pages(limit: int | None) -> list[tuple[str, str, dict]]:
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((SCRAPINGHUB / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pages.append((key, handle.read(), truth[key]))
    return pages[:limit] if limit else pages


# --- HTML ----------------------------------------------------------------------------------------------------


def warm_up() -> None:
    """Pay the one-off costs before the clock, as a long ingest run amortises them: trafilatura's imports and
    dateparser's language data (about a second on the first page that needs them)."""
    page = ("<html><head><title>Warm-up</title><meta property='article:published_time' content='2024-10-23'>"
            "</head><body><article><p>" + "Officials met on Monday and agreed to talk again. " * 8 +
            "</p></article></body></html>")
    clean(RawItem(origin="warm-up.html", media_type="text/html", content=page))
    clean(RawItem(origin="warm-up.txt", media_type="text/plain",
                  content="Posted October. 23, 2024 08:45\n" + "Officials met on Monday and agreed to talk again. " * 8))


def _warm_worker(ready) -> None:
    warm_up()
    ready.wait(timeout=300)  # no worker takes work before every worker is warm: the clock times only the work


def bench_html(pages) -> dict:
    import trafilatura

    warm_up()
    ours, base, base_text_only = [], [], []
    ours_meta, base_meta = {}, {}
    ours_time, base_time, base_text_time = Timer(), Timer(), Timer()
    for key, html, gold in pages:
        item = RawItem(origin=key, media_type="text/html", content=html, url=gold.get("url"))
        with ours_time:
            try:
                article = clean(item)
            except ItemError:
                article = None
        ours.append(tp_fp_fn(gold["articleBody"], article.text if article else ""))
        ours_meta[key] = (article.title, [a.name for a in article.authors],
                          article.published.isoformat() if article.published else None) if article else None
        with base_time, warnings.catch_warnings():  # trafilatura alone, doing the same job: text and metadata
            warnings.simplefilter("ignore")
            doc = trafilatura.bare_extraction(html, url=gold.get("url"), with_metadata=True, include_comments=False)
        base.append(tp_fp_fn(gold["articleBody"], (doc.text if doc else "") or ""))
        base_meta[key] = (doc.title, [a.strip() for a in (doc.author or "").split(";") if a.strip()],
                          doc.date) if doc else None
        with base_text_time, warnings.catch_warnings():  # and its text alone, the cheaper call
            warnings.simplefilter("ignore")
            base_text_only.append(trafilatura.extract(html, include_comments=False) or "")
    rate, base_rate = len(pages) / ours_time.seconds, len(pages) / base_time.seconds
    return {
        "html": score(ours),
        "html_trafilatura": score(base),
        "html_pages_per_s": round(rate, 1),
        "html_trafilatura_pages_per_s": round(base_rate, 1),
        "html_trafilatura_text_only_pages_per_s": round(len(pages) / base_text_time.seconds, 1),
        "html_rate_ratio_to_trafilatura": round(rate / base_rate, 3),
        **bench_metadata(pages, ours_meta, base_meta),
    }


# --- metadata: title, authors, date ----------------------------------------------------------------------------

METADATA_GOLD = Path(__file__).with_name("data") / "metadata.jsonl"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def _title_key(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").translate(_QUOTES).split()).casefold()


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).split())


def metadata_hits(found: tuple | None, gold: dict) -> tuple[bool, bool, bool]:
    """(title, authors, date) right for one page: the title equal up to case, spacing and quote style; the set
    of writers equal up to case and punctuation (no writer is a right answer when the gold names none); the
    published day equal to the gold day, read as printed (the first ten characters of the ISO date)."""
    title, authors, published = found or (None, [], None)
    return (_title_key(title) == _title_key(gold["title"]),
            {_name_key(a) for a in authors} == {_name_key(a) for a in gold["authors"]},
            (published or "")[:10] == gold["published"])


def bench_metadata(pages, ours: dict, trafilatura_alone: dict) -> dict:
    """Accuracy of title, authors and date on the pages of our metadata gold (benchmarks/data/metadata.jsonl,
    written from the ScrapingHub pages as docs/clean.md tells), for redline, trafilatura alone and htmldate."""
    import htmldate

    gold = {row["page"]: row for row in map(json.loads, METADATA_GOLD.read_text(encoding="utf-8").splitlines())}
    keyed = [(key, html, gold[key]) for key, html, _ in pages if key in gold]
    figures = {"metadata_pages": len(keyed)}
    rows = {"": [], "_trafilatura": [], "_htmldate": []}
    halves = {"a": [], "b": []}
    for key, html, truth in keyed:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            day = htmldate.find_date(html, url=truth["url"], extensive_search=True, original_date=True)
        rows[""].append(metadata_hits(ours[key], truth))
        rows["_trafilatura"].append(metadata_hits(trafilatura_alone[key], truth))
        rows["_htmldate"].append(metadata_hits((None, [], day), truth))
        halves[half_of(truth["url"])].append(rows[""][-1])
    for suffix, hits in rows.items():
        for index, field_name in enumerate(("title", "author", "date")):
            if suffix == "_htmldate" and field_name != "date":
                continue
            figures[f"meta_{field_name}{suffix}"] = round(sum(h[index] for h in hits) / max(1, len(hits)), 3)
    for half, hits in halves.items():  # half a's errors were read while the reconciling was written; b's never
        figures[f"meta_half_{half}"] = [round(sum(h[i] for h in hits) / max(1, len(hits)), 3) for i in range(3)]
    for field_name in ("title", "author", "date"):
        base = figures[f"meta_{field_name}_trafilatura"]
        figures[f"meta_{field_name}_ratio_to_trafilatura"] = round(figures[f"meta_{field_name}"] / base, 3) if base else None
    return figures


# --- plain-text dumps with the seeds' defects ----------------------------------------------------------------

NAV_TOP = ["Go to contents", "Skip to main content", "Menu", "Search", "Sign in"]
LANGUAGE_SWITCHES = ["한국어", "English | 日本語 | 中文", "English  Español  Français", "EN | KO"]
PAYWALL_TAILS = [
    ["Get 30 days", "of free access to", "{brand}", "Full access to all analysis",
     "Daily analysis on the top story of the day", "Start now",
     "No charges during your trial. Cancel anytime. A paid subscription will start after 30 days."],
    ["Subscribe to {brand} for unlimited access to our journalism.", "Already a subscriber? Log in"],
    ["This article is for subscribers only.", "Become a member from $1 a week", "Sign up"],
    ["Support independent journalism", "Donate to {brand} today and help us keep reporting."],
    ["Enjoyed this article? Get our newsletter in your inbox every morning.", "Sign up for free"],
    ["Share this article", "Facebook", "Twitter", "Email"],
]
COPYRIGHTS = ["© {brand}. All rights reserved.", "Copyright © 2024 {brand}. All Rights Reserved.",
              "(c) {brand} 2019 — no part of this content may be reproduced without prior written permission."]
FIRST = ["Jin-Woo", "Maria", "John", "Aiko", "Olena", "Ahmed", "Sarah", "Pierre"]
LAST = ["Shin", "Garcia", "Smith", "Tanaka", "Kovalenko", "Hassan", "Miller", "Dubois"]


def inject_defects(text: str, rng: random.Random) -> tuple[str, dict]:
    """The page as text, with the seeds' defects added; returns it and what a cleaner should recover."""
    lines = text.split("\n")
    expected: dict = {}
    brand = rng.choice(["Korea Pro", "The Daily Ledger", "Asia Wire", "Northern Post"])
    if rng.random() < 0.5:  # every paragraph repeated twice, as in the Korea Pro seed
        long_lines = [line for line in lines if len(line.split()) >= 12]
        lines = lines + [""] + long_lines if rng.random() < 0.5 else \
            [x for line in lines for x in ([line, line] if len(line.split()) >= 12 else [line])]
    head: list[str] = []
    if rng.random() < 0.5:
        head.append(rng.choice(NAV_TOP))
    if rng.random() < 0.5:
        posted = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(0, 500_000))
        expected["published"] = posted.replace(second=0)
        style = rng.choice(["Posted %B. %d, %Y %H:%M,", "Published: %Y-%m-%d %H:%M", "Posted on %d %B %Y, %H:%M"])
        head += ["", posted.strftime(style), "Updated " + posted.strftime("%B %d, %Y %H:%M")]
    if rng.random() < 0.5:
        head.append(rng.choice(LANGUAGE_SWITCHES))
    tail: list[str] = []
    if rng.random() < 0.5:
        names = [(rng.choice(FIRST), rng.choice(LAST)) for _ in range(rng.randint(1, 3))]
        expected["authors"] = {(f"{f} {last}", f"{f.lower()}{last.lower()}@ledger.example") for f, last in names}
        tail.append(" · ".join(f"{name} {email}" for name, email in sorted(expected["authors"])))
    if rng.random() < 0.6:
        tail += [line.format(brand=brand) for line in rng.choice(PAYWALL_TAILS)]
    if rng.random() < 0.5:
        tail.append(rng.choice(COPYRIGHTS).format(brand=brand))
    return "\n".join(head + [""] + lines + [""] + tail), expected


def simple_heuristic(text: str) -> str:
    """The baseline: keep every line of at least ten words."""
    return "\n".join(line for line in text.split("\n") if len(line.split()) >= 10)


def half_f1s(halves: dict[str, list]) -> list[float | None]:
    """F1 of half a and of half b (None for a half with no page, as in a smoke run's slice)."""
    return [score(halves[half])["f1"] if halves[half] else None for half in "ab"]


def _visible_tree(html: str):
    import lxml.html

    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//script|//style|//noscript|//template"):
        hidden.drop_tree()
    return tree


def text_nodes(html: str) -> str:
    """The page as a naive converter writes it: every text node on a line of its own (BeautifulSoup's
    get_text("\\n")), so each link or emphasis inside a sentence cuts it."""
    return "\n".join(node.strip() for node in _visible_tree(html).itertext())


def markdown_dump(html: str) -> str:
    """The page as reader tools write it: Markdown (markdownify), links with their addresses."""
    import lxml.html
    from markdownify import markdownify

    tree = _visible_tree(html)
    for head in tree.xpath("//head"):
        head.drop_tree()
    return markdownify(lxml.html.tostring(tree, encoding="unicode"), heading_style="ATX")


def bench_other_renderers(pages) -> dict:
    """The same pages rendered by other converters, the same defects: html-text (with its layout guess), one
    text node per line, and Markdown. The rules were written reading inscriptis' dumps, so this says how much of
    the figure is that renderer's."""
    import html_text

    figures = {}
    for name, render in (("html_text", lambda html: html_text.extract_text(html, guess_layout=True)),
                         ("nodes", text_nodes), ("markdown", markdown_dump)):
        rng = random.Random(SEED)
        rows, halves = [], {"a": [], "b": []}
        for key, html, gold in pages:
            dump, _ = inject_defects(render(html), rng)
            try:
                text = clean(RawItem(origin=key, media_type="text/plain", content=dump)).text
            except ItemError:
                text = ""
            rows.append(tp_fp_fn(gold["articleBody"], text))
            halves[half_of(gold["url"])].append(rows[-1])
        figures[f"text_{name}"] = score(rows)
        figures[f"text_{name}_halves"] = half_f1s(halves)
    return figures


def bench_text(pages) -> dict:
    from inscriptis import get_text

    rng = random.Random(SEED)
    dumps = []
    halves: dict[str, list] = {"a": [], "b": []}
    for key, html, gold in pages:
        dump, expected = inject_defects(get_text(html), rng)
        dumps.append((key, dump, expected, gold))
    ours, base = [], []
    dates_right = dates_total = authors_right = authors_total = 0
    timer = Timer()
    for key, dump, expected, gold in dumps:
        item = RawItem(origin=key, media_type="text/plain", content=dump)
        with timer:
            try:
                article = clean(item)
            except ItemError:
                article = None
        ours.append(tp_fp_fn(gold["articleBody"], article.text if article else ""))
        halves[half_of(gold["url"])].append(ours[-1])
        base.append(tp_fp_fn(gold["articleBody"], simple_heuristic(dump)))
        if "published" in expected:
            dates_total += 1
            got = article.published if article else None
            dates_right += bool(got and got.replace(second=0) == expected["published"])
        if "authors" in expected:
            authors_total += 1
            # The page's own bylines count too: every injected writer must be found, with the e-mail.
            found = {(a.name, a.email) for a in article.authors} if article else set()
            authors_right += expected["authors"] <= found
    return {
        "text": score(ours),
        "text_simple_heuristic": score(base),
        "text_f1_halves": half_f1s(halves),
        "text_articles_per_s": round(len(dumps) / timer.seconds, 1),
        "text_date_accuracy": round(dates_right / max(1, dates_total), 4),
        "text_author_accuracy": round(authors_right / max(1, authors_total), 4),
    }


PARALLEL_PASSES = 3


def parallel_rate(items: list[RawItem], workers: int) -> float:
    """Items per second cleaned by a pool of worker processes, as `redline ingest --workers` runs them."""
    import multiprocessing
    from functools import partial

    from redline.pipeline import clean_or_error
    from redline.settings import Settings

    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(workers)
    with context.Pool(workers, initializer=_warm_worker, initargs=(ready,)) as pool:
        pool.map(abs, range(workers))  # returns once a worker is free: all of them have started and warmed up
        # A pass over the pages takes about a second: the best of three, as timeit does, so that a hiccup of this
        # shared machine is not read as the code's speed.
        best = float("inf")
        for _ in range(PARALLEL_PASSES):
            with Timer() as timer:
                pool.map(partial(clean_or_error, settings=Settings()), items, chunksize=4)
            best = min(best, timer.seconds)
    return round(len(items) / best, 1)


def bench_throughput(pages, workers: int) -> dict:
    """Seed-like dumps (the article with the seeds' defects, not the whole page) and parallel rates."""
    rng = random.Random(SEED)
    seedlike = [RawItem(origin=k, media_type="text/plain", content=inject_defects(g["articleBody"], rng)[0])
                for k, _, g in pages]
    with Timer() as timer:
        for item in seedlike:
            try:
                clean(item)
            except ItemError:
                pass
    html_items = [RawItem(origin=k, media_type="text/html", content=h, url=g.get("url")) for k, h, g in pages]
    return {
        "text_seedlike_articles_per_s": round(len(seedlike) / timer.seconds, 1),
        f"text_seedlike_articles_per_s_{workers}workers": parallel_rate(seedlike, workers),
        f"html_pages_per_s_{workers}workers": parallel_rate(html_items, workers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"first {SMOKE_PAGES} pages only (CI)")
    parser.add_argument("--limit", type=int, help="first N pages")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel rates (2 cores here)")
    args = parser.parse_args()
    pages = load_pages(SMOKE_PAGES if args.smoke else args.limit)
    figures = {"pages": len(pages)}
    figures.update(bench_html(pages))
    figures.update(bench_text(pages))
    figures.update(bench_other_renderers(pages))
    figures["peak_rss_mb"] = peak_rss_mb()  # this process: the pool's workers below are separate processes
    figures.update(bench_throughput(pages, args.workers))
    for key, value in figures.items():
        print(f"{key:>32}: {value}", file=sys.stderr)
    finish("clean", {
        **figures,
        "html_f1": figures["html"]["f1"],
        "text_f1": figures["text"]["f1"],
        "text_nodes_f1": figures["text_nodes"]["f1"],
        "text_markdown_f1": figures["text_markdown"]["f1"],
        "html_f1_minus_trafilatura": round(figures["html"]["f1"] - figures["html_trafilatura"]["f1"], 4),
        "text_rate_ratio_to_trafilatura": round(
            figures["text_seedlike_articles_per_s"] / figures["html_trafilatura_pages_per_s"], 1),
    }, args.smoke)


if __name__ == "__main__":
    main()
