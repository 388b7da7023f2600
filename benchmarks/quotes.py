"""Benchmark of quotes and reported speech on PolNeAR (political news, every attribution annotated).

Gold: `eval/quotes/polnear_dev.jsonl` (84 articles) — each attribution's `content`, `cue` and `source` as
character spans. The coder's quotes (`Coded.quotes`: direct quotations and indirect speech) are scored on the
dev articles, which nothing in redline is fitted to; the cue lexicon is counted from the train articles only
(`scripts/train_quote_cues.py`).

Figures:
- content precision / recall / F1 over words (a word of a coded quote is right when it lies in a gold content
  span; a gold content word is found when a coded quote covers it) — the measure the held-out scores use;
- attributions found (a gold content half covered by one coded quote) and coded quotes that are no attribution;
- speaker right: of the attributions found whose gold source is more than a pronoun, those whose coded speaker
  shares a word with the gold source (a source that is only "he" or "they" is left out: it can be right as the
  pronoun or as the name it stands for);
- articles/s.

Usage: python benchmarks/quotes.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
import re

from common import EVAL, Timer, finish, peak_rss_mb

from redline.events import Coder
from redline.events.quote_cues import content_words as words

WORD = re.compile(r"\w+")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them", "his", "its", "their"}
SMOKE_ARTICLES = 12


def _lower_words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)} - PRONOUNS - {"the", "a", "an", "of", "s"}


def gold_source(article: dict, gold: dict) -> set[str]:
    return _lower_words(" ".join(article["text"][s:e] for s, e in gold.get("source", [])))


def speaker_right(source: set[str], speaker_text: str | None) -> bool:
    return bool(speaker_text) and bool(source & _lower_words(speaker_text))


def score_article(article: dict, quotes: list) -> dict:
    text = article["text"]
    gold = [a for a in article["attributions"] if a.get("content")]
    gold_words = words(text, [span for a in gold for span in a["content"]])
    coded_words = words(text, [[q.start, q.end] for q in quotes])
    found = speakers = named = 0
    for attribution in gold:
        content = words(text, attribution["content"])
        if not content:
            continue
        best = max(quotes, key=lambda q: len(content & words(text, [[q.start, q.end]])), default=None)
        if best is None or len(content & words(text, [[best.start, best.end]])) * 2 < len(content):
            continue
        found += 1
        source = gold_source(article, attribution)
        if source:
            named += 1
            speakers += speaker_right(source, best.speaker.text if best.speaker else None)
    spurious = sum(1 for q in quotes if not words(text, [[q.start, q.end]]) & gold_words)
    return {"gold_words": len(gold_words), "coded_words": len(coded_words),
            "right_words": len(coded_words & gold_words), "attributions": len(gold), "found": found,
            "named_sources": named, "speakers_right": speakers, "quotes": len(quotes), "spurious": spurious}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small slice, for CI")
    args = parser.parse_args()
    articles = [json.loads(line) for line in (EVAL / "quotes" / "polnear_dev.jsonl").open(encoding="utf-8")]
    if args.smoke:
        articles = articles[:SMOKE_ARTICLES]
    coder = Coder()
    totals: dict[str, int] = {}
    with Timer() as timer:
        coded = list(coder.code_many((a["text"], None, a["id"]) for a in articles))
    for article, result in zip(articles, coded):
        for key, value in score_article(article, result.quotes).items():
            totals[key] = totals.get(key, 0) + value
    precision = totals["right_words"] / max(1, totals["coded_words"])
    recall = totals["right_words"] / max(1, totals["gold_words"])
    figures = {
        "articles": len(articles),
        "content_precision": round(precision, 3),
        "content_recall": round(recall, 3),
        "content_f1": round(2 * precision * recall / max(1e-9, precision + recall), 3),
        "attributions": totals["attributions"],
        "attributions_found": round(totals["found"] / max(1, totals["attributions"]), 3),
        "quotes_coded": totals["quotes"],
        "quotes_no_attribution": round(totals["spurious"] / max(1, totals["quotes"]), 3),
        "speaker_right": round(totals["speakers_right"] / max(1, totals["named_sources"]), 3),
        "articles_per_s": round(len(articles) / timer.seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }
    finish("quotes", figures, args.smoke)


if __name__ == "__main__":
    main()
