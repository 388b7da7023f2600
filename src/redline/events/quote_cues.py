"""Which words introduce reported speech, and which of their dependents hold what was said: counted from
attribution gold (PolNeAR's train articles), not listed by hand.

For every verb lemma, how often it is an attribution's cue when it occurs (a cue's *precision*), and, for each
dependency and each preposition of a cue, how often its subtree lies inside the attribution's content. The
table (`events/data/quote_cues.json`, a few KB) is written by `scripts/train_quote_cues.py`; `quotes.py` reads
it. Deterministic: counts only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

CUES_FILE = "quote_cues.json"
MIN_COUNT = 5  # a lemma seen as a cue fewer times than this is not learned: too few to trust its precision
CONTENT_SHARE = 0.5  # a dependent is content when more than this share of its words are, on average
# A learned cue introduces reported speech when it did so in at least this share of its uses; the training
# script chooses the share by cross-validation over the train articles and writes it in the table.
DEFAULT_MIN_PRECISION = 0.5
_WORD = re.compile(r"\w+")


def content_words(text: str, spans) -> set[int]:
    """The start offsets of the words inside the (start, end) spans: what attribution content is scored on."""
    found = set()
    for start, end in spans:
        found.update(m.start() + start for m in _WORD.finditer(text[start:end]))
    return found


def content_f1(pairs) -> float:
    """Word-level content F1 over (text, gold content spans, found spans) of several articles."""
    right = gold_total = found_total = 0
    for text, gold, found in pairs:
        gold_words, found_words = content_words(text, gold), content_words(text, found)
        right += len(gold_words & found_words)
        gold_total += len(gold_words)
        found_total += len(found_words)
    precision, recall = right / max(1, found_total), right / max(1, gold_total)
    return 2 * precision * recall / max(1e-9, precision + recall)


def count_cues(articles: Iterable[dict], nlp) -> dict:
    """The table from gold articles ({"text", "attributions": [{"cue", "content", …}]})."""
    articles = list(articles)
    return count_cues_in(articles, nlp.pipe((a["text"] for a in articles), batch_size=16))


def count_cues_in(articles: list[dict], docs: Iterable) -> dict:
    """The table from gold articles and their parses."""
    as_cue, seen = Counter(), Counter()
    dep_content, dep_seen = Counter(), Counter()
    prep_content, prep_seen = Counter(), Counter()
    for article, doc in zip(articles, docs):
        cue_verbs = {}
        for attribution in article["attributions"]:
            for start, end in attribution.get("cue", [])[:1]:
                span = doc.char_span(start, end, alignment_mode="expand")
                verb = next((t for t in span if t.pos_ == "VERB"), None) if span is not None else None
                if verb is not None:
                    cue_verbs[verb.i] = attribution
        for token in doc:
            if token.pos_ == "VERB":
                seen[token.lemma_.lower()] += 1
        for index, attribution in cue_verbs.items():
            verb = doc[index]
            as_cue[verb.lemma_.lower()] += 1
            content = {i for start, end in attribution.get("content", []) for i in range(start, end)}
            for child in verb.children:
                words = list(child.subtree)
                inside = sum(t.idx in content for t in words) / len(words) > CONTENT_SHARE
                dep_seen[child.dep_] += 1
                dep_content[child.dep_] += inside
                if child.dep_ == "prep":
                    prep_seen[child.lower_] += 1
                    prep_content[child.lower_] += inside
    cues = {lemma: round(as_cue[lemma] / seen[lemma], 3) for lemma in sorted(as_cue)
            if as_cue[lemma] >= MIN_COUNT and seen[lemma]}
    return {
        "_about": "Counted from PolNeAR's train articles (Newell, Margolin & Ruths, LREC 2018) by "
                  "scripts/train_quote_cues.py: each verb lemma's share of occurrences that are an attribution's "
                  "cue, and the dependents and prepositions of a cue whose subtree is mostly content.",
        "articles": len(articles),
        "cues": cues,
        "min_cue_precision": DEFAULT_MIN_PRECISION,
        "content_deps": sorted(d for d in dep_seen if dep_seen[d] >= MIN_COUNT
                               and dep_content[d] / dep_seen[d] > CONTENT_SHARE and d != "prep"),
        "content_preps": sorted(p for p in prep_seen if prep_seen[p] >= MIN_COUNT
                                and prep_content[p] / prep_seen[p] > CONTENT_SHARE),
    }


def save(table: dict, path: Path) -> None:
    path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@cache
def shipped() -> dict:
    """The table in the package; an empty one (no learned cues) if it was never written."""
    path = resources.files("redline.events").joinpath("data", CUES_FILE)
    if not path.is_file():
        return {"cues": {}, "content_deps": [], "content_preps": []}
    return json.loads(path.read_text(encoding="utf-8"))
