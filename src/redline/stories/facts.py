"""What a story is made of: its outlets (independent or not), and the sentences of one outlet's reports that no
other outlet's report has a counterpart for."""

from __future__ import annotations

import re
from collections import defaultdict

from redline.records import Article
from redline.stories.features import STOP_WORDS

# A sentence of another outlet is a counterpart when it shares this share of the shorter one's content words,
# or (with embeddings) when their meanings are this close: paraphrases share few words.
COUNTERPART_OVERLAP = 0.5
COUNTERPART_COSINE = 0.6
# Shorter sentences ("He declined to comment.") are not facts worth listing.
MIN_FACT_WORDS = 6

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def sentences(text: str) -> list[str]:
    return [s.strip() for paragraph in text.split("\n") for s in _SENTENCE.split(paragraph) if s.strip()]


def _content(sentence: str) -> frozenset[str]:
    return frozenset(w for w in (m.group(0).casefold() for m in _WORD.finditer(sentence)) if w not in STOP_WORDS)


def unique_facts(articles: list[Article], embed=None) -> dict[str, list[str]]:
    """outlet -> its sentences with no counterpart in any other outlet's articles (copies are left out).

    `embed`, when given, maps a list of sentences to unit vectors (the story tracker's embedder).
    """
    items: list[tuple[str, str, frozenset[str]]] = []  # (outlet, sentence, content words)
    for article in articles:
        if article.duplicate_of:
            continue
        items.extend((article.outlet or "unknown outlet", s, _content(s)) for s in sentences(article.text))
    vectors = embed([s for _, s, _ in items]) if (embed and items) else None
    facts: dict[str, list[str]] = defaultdict(list)
    for i, (outlet, sentence, words) in enumerate(items):
        if len(words) < MIN_FACT_WORDS:
            continue
        others = [j for j, item in enumerate(items) if item[0] != outlet]
        if not any(_counterparts(words, items[j][2]) for j in others) and not (
                vectors is not None and others and float((vectors[others] @ vectors[i]).max()) >= COUNTERPART_COSINE):
            facts[outlet].append(sentence)
    return dict(facts)


def _counterparts(words: frozenset[str], other: frozenset[str]) -> bool:
    return bool(other) and len(words & other) / min(len(words), len(other)) >= COUNTERPART_OVERLAP


def outlets(members: list[Article]) -> dict[str, bool]:
    """Outlet -> whether it reported independently (at least one report that is not a copy)."""
    found: dict[str, bool] = {}
    for article in members:
        name = article.outlet or "unknown outlet"
        found[name] = found.get(name, False) or not (article.duplicate_of or article.derived_from)
    return found


def story_json(story: dict, members: list[Article], embed=None) -> dict:
    """A stored story as `redline stories --json` prints it (a contract: fields are only added)."""
    return {
        "id": story["id"], "title": story["title"], "first_seen": story["first_seen"], "last_seen": story["last_seen"],
        "articles": [a.id for a in members],
        "outlets": [{"name": name, "independent": independent} for name, independent in outlets(members).items()],
        "adds": unique_facts(members, embed=embed),
        # the thread this story is one development of (the id of its first story), or null
        "thread": story.get("thread_id"),
    }
