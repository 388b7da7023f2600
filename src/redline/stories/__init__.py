"""Stage 4, stories: group reports of the same event across outlets, online, as articles arrive.

Entry point: `StoryTracker.add(article_id, features) -> Assignment`. Each article joins the best live story or
starts a new one. A story is scored against an article by three signals, each in [0, 1]:
- terms: cosine of TF-IDF vectors (IDF learned online from what has arrived);
- named things: the share of the article's names and numbers (by IDF weight) that the story has seen — what
  tells one earthquake from another when the words are the same;
- meaning: cosine of sentence embeddings (all-MiniLM-L6-v2, long texts in chunks, the lede weighed twice), when
  embeddings are given.
A report published more than the time window before a story's first report or after its last does not join it.
When an article makes two stories look like one, they are merged and the merge is recorded.

A story is one development, not a whole crisis: it spans at most STORY_SPAN of reporting. A report that fits a
story but would stretch it further starts the next story of the same *thread* (the NIS briefing of October 18,
the Pentagon's figure of October 28 and the confirmation of combat in November are three stories of one thread),
and the thread is recorded on the story.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from redline.stories.features import Features, features_of
from redline.stories.nearest import MeaningIndex

__all__ = ["StoryTracker", "Story", "Assignment", "Features", "features_of"]

# Weights of the three signals and the score an article needs to join a story: chosen on the developers' half of
# ECB+ and Google News (benchmarks/stories.py); docs/stories.md gives the figures for neighbouring values.
# A signal the article lacks (no names in a lower-cased snippet, no embedding) gives its weight to the others.
# What a page's "title" is when it is no headline: a photo caption ("Photo : YONHAP News"), a site's name.
CAPTION = re.compile(r"^\W*(?:photos?|videos?|images?|pictures?|gallery|watch|listen|live|file photo|graphic)\b",
                     re.IGNORECASE)
HEADLINE_MIN_WORDS = 4


def is_headline(title: str | None) -> bool:
    """Can this title name a story? Four words or more, and not a caption."""
    return bool(title) and len(title.split()) >= HEADLINE_MIN_WORDS and not CAPTION.match(title)


WEIGHT_TERMS = 0.3
WEIGHT_NAMED = 0.3
WEIGHT_MEANING = 0.4
JOIN_THRESHOLD = 0.35
# Same words, other names: an article naming at least this many things, too few of which (by IDF weight) the
# story has seen, is about another event (another earthquake, another arrest), however alike the words.
NAMED_GATE_MIN = 3
NAMED_GATE_SHARE = 0.15
# Two stories whose centroids score this much against each other are one story.
MERGE_THRESHOLD = 0.6
# A story that has had no report for this long is closed: a new report starts a new story.
LIVE_WINDOW = timedelta(days=7)
# The most a story's reports may span, first to last: a report that fits a story but is published later (or
# earlier) than this starts the next story of its thread. A news event's own reporting (the briefing, the
# reactions, the follow-ups) runs a few days; a later report on the same subject is a new development.
STORY_SPAN = timedelta(days=4)
# A story whose last report is this many windows older than the newest report can never be joined again: it is
# dropped from the tracker's memory (checked every FORGET_EVERY articles), so that a collector running for months
# does not grow without end. Twice the window: reports arrive somewhat out of order.
FORGET_AFTER_WINDOWS = 2
FORGET_EVERY = 1000
# A story's TF-IDF norm is computed again when this many articles have arrived since (IDF drifts slowly).
IDF_EPOCH = 500
# Candidate stories: those sharing the article's rarest terms and names, and the nearest by meaning.
CANDIDATE_TERMS = 12
MAX_CANDIDATES = 30
NEAREST_BY_MEANING = 10


@dataclass
class Story:
    id: str
    terms: Counter = field(default_factory=Counter)
    named: Counter = field(default_factory=Counter)
    embedding_sum: np.ndarray | None = None
    articles: list[str] = field(default_factory=list)
    title: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    merged_into: str | None = None
    thread: str | None = None  # the first story of its thread (itself, for that one); None: a story alone
    slot: int = -1  # row in the tracker's index of meaning
    norm_cache: tuple[int, int, float] = (-1, -1, 0.0)  # (size, IDF epoch, TF-IDF norm)

    @property
    def size(self) -> int:
        return len(self.articles)


@dataclass
class _Probe:
    """An article's side of every comparison, weighted by IDF once rather than once per candidate story."""
    terms: dict[str, tuple[float, float]]  # term -> (weight, IDF²)
    norm: float  # the article's TF-IDF norm
    named: dict[str, float]  # name -> IDF
    named_total: float


@dataclass
class Assignment:
    article_id: str
    story_id: str
    score: float
    new_story: bool
    merged: list[tuple[str, str]] = field(default_factory=list)  # (from story, into story)
    thread: str | None = None  # the thread a new story continues (the id of its first story)


class StoryTracker:
    def __init__(self, *, use_embeddings: bool = True, threshold: float | None = None,
                 weights: tuple[float, float, float] = (WEIGHT_TERMS, WEIGHT_NAMED, WEIGHT_MEANING),
                 live_window: timedelta = LIVE_WINDOW, merge_threshold: float = MERGE_THRESHOLD,
                 story_span: timedelta = STORY_SPAN):
        self.use_embeddings = use_embeddings
        self.weights = weights if use_embeddings else _without_meaning(weights)
        self.threshold = JOIN_THRESHOLD if threshold is None else threshold
        self.live_window = live_window
        self.story_span = story_span
        self.merge_threshold = merge_threshold
        self.stories: dict[str, Story] = {}
        self.story_of: dict[str, str] = {}
        self.merges: list[tuple[str, str]] = []
        self._docs = 0
        self._df: Counter = Counter()
        self._postings: dict[str, set[str]] = {}
        self._meaning = MeaningIndex()  # each live story's centroid, as a row labelled with its id
        self._newest: datetime | None = None  # the latest publication date seen
        self._since_sweep = 0

    # --- the entry point ---------------------------------------------------------------------------------------

    def add(self, article_id: str, features: Features) -> Assignment:
        self._since_sweep += 1
        if self._since_sweep >= FORGET_EVERY:
            self.forget_closed()
        self._count(features)
        probe = self._probe(features)
        scored = sorted(((self.score(features, story, probe), story.id) for story in self._candidates(features)),
                        reverse=True)
        fitting = [(score, story_id) for score, story_id in scored if score >= self.threshold]
        joinable = [(score, story_id) for score, story_id in fitting
                    if self._spans(self.stories[story_id], features.published)]
        if joinable:
            best_score, best_id = joinable[0]
            story, new = self.stories[best_id], False
        else:
            best_score = scored[0][0] if scored else 0.0
            story, new = self._new_story(article_id, features), True
            if fitting:  # it fits a story it may not stretch: the next development of that story's thread
                earlier = self.stories[fitting[0][1]]
                earlier.thread = earlier.thread or earlier.id
                story.thread = earlier.thread
        self._join(story, article_id, features)
        # The article also fits these stories: it may show that they and its own are one.
        also = [self.stories[story_id] for _, story_id in joinable if story_id != story.id]
        merged = self._merge_with(story, also, features) if also else []
        return Assignment(article_id, self._resolve(story.id), round(best_score, 4), new, merged,
                          story.thread if new else None)

    def attach(self, article_id: str, story_id: str) -> str:
        """Count a copy as a report of a story without letting it move the story (copies are not evidence)."""
        story = self.stories[self._resolve(story_id)]
        story.articles.append(article_id)
        self.story_of[article_id] = story.id
        return story.id

    def restore(self, article_id: str, story_id: str, features: Features) -> None:
        """Put a stored article back in its stored story (rebuilding the tracker from the store)."""
        self._count(features)
        story = self.stories.get(story_id) or self._make(story_id, features)
        self._join(story, article_id, features)

    # --- scoring -----------------------------------------------------------------------------------------------

    def idf(self, term: str) -> float:
        return math.log((self._docs + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def score(self, features: Features, story: Story, probe: _Probe | None = None) -> float:
        """Weighted mean of the signals the article has, in [0, 1]. `probe`: the article's side, when the caller
        scores it against many stories."""
        probe = probe or self._probe(features)
        w_terms, w_named, w_meaning = self.weights
        total = w_terms * self._cosine_terms(probe, story)
        weight = w_terms
        if features.named:
            overlap = self._named_overlap(probe, story.named)
            if len(features.named) >= NAMED_GATE_MIN and story.named and overlap < NAMED_GATE_SHARE:
                return 0.0
            total += w_named * overlap
            weight += w_named
        if w_meaning and features.embedding is not None and story.embedding_sum is not None:
            norm = float(np.linalg.norm(story.embedding_sum)) or 1.0
            total += w_meaning * max(0.0, float(features.embedding @ story.embedding_sum) / norm)
            weight += w_meaning
        return total / weight if weight else 0.0

    def _probe(self, features: Features) -> _Probe:
        idf = self.idf
        named = {n: idf("#" + n) for n in features.named}
        return _Probe(terms={t: (w, idf(t) ** 2) for t, w in features.terms.items()},
                      norm=math.sqrt(sum((w * idf(t)) ** 2 for t, w in features.terms.items())),
                      named=named, named_total=sum(named.values()))

    def _cosine_terms(self, probe: _Probe, story: Story) -> float:
        story_terms = story.terms
        if not probe.terms or not story_terms:
            return 0.0
        dot = sum(weight * story_terms.get(term, 0.0) * idf_squared
                  for term, (weight, idf_squared) in probe.terms.items())
        if dot == 0:
            return 0.0
        return dot / (probe.norm * self._story_norm(story))

    def _story_norm(self, story: Story) -> float:
        """The story's TF-IDF norm, recomputed when the story grows or IDF has drifted (every IDF_EPOCH articles)."""
        epoch = self._docs // IDF_EPOCH
        size, cached_epoch, norm = story.norm_cache
        if size != story.size or cached_epoch != epoch:
            norm = math.sqrt(sum((w * self.idf(t)) ** 2 for t, w in story.terms.items())) or 1.0
            story.norm_cache = (story.size, epoch, norm)
        return norm

    def _named_overlap(self, probe: _Probe, story_named: Counter) -> float:
        if not probe.named or not story_named:
            return 0.0
        return sum(w for n, w in probe.named.items() if n in story_named) / probe.named_total

    # --- candidates --------------------------------------------------------------------------------------------

    def _candidates(self, features: Features) -> list[Story]:
        keys = self._keys(features, filed_only=True)
        hits: Counter = Counter()
        for key in keys:
            for story_id in self._postings.get(key, ()):
                hits[story_id] += 1
        # ties broken by story id, not by the order sets happen to iterate in: the same stream, the same stories
        chosen = {story_id for story_id, _ in heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda h: (h[1], h[0]))}
        if self.use_embeddings and features.embedding is not None:
            chosen |= set(self._meaning.nearest(features.embedding, NEAREST_BY_MEANING))
        stories = (self.stories[self._resolve(s)] for s in chosen)
        return [s for s in {s.id: s for s in stories}.values() if self._live(s, features.published)]

    def _keys(self, features: Features, filed_only: bool = False) -> list[str]:
        """The article's rarest terms and names ("#name"): what its story is filed under. `filed_only`: the
        rarest that some story is filed under already, to search by. Its own rarest words are mostly words no
        earlier report used: searching by them alone finds nothing."""
        terms, named = features.terms, features.named
        if filed_only:
            terms = [t for t in terms if t in self._postings]
            named = [n for n in named if "#" + n in self._postings]
        rare_terms = sorted(terms, key=self.idf, reverse=True)[:CANDIDATE_TERMS]
        rare_named = sorted(named, key=lambda n: (self.idf("#" + n), n), reverse=True)[:CANDIDATE_TERMS]
        return rare_terms + ["#" + n for n in rare_named]

    def _live(self, story: Story, published: datetime | None) -> bool:
        """Whether the story is open to a report published then: within the live window of the story's span.
        The span, not only its last report: an archive or a backfill brings reports out of order, and a late-
        arriving report from the middle of a story belongs to it."""
        if published is None or story.last_seen is None:
            return True
        return story.first_seen - self.live_window <= published <= story.last_seen + self.live_window

    def _spans(self, story: Story, published: datetime | None) -> bool:
        """Whether the story, with a report published then, still spans no more than STORY_SPAN."""
        if published is None or story.last_seen is None:
            return True
        return max(story.last_seen, published) - min(story.first_seen, published) <= self.story_span

    # --- bookkeeping -------------------------------------------------------------------------------------------

    def _count(self, features: Features) -> None:
        self._docs += 1
        self._df.update(features.terms.keys())
        self._df.update("#" + n for n in features.named)

    def _new_story(self, article_id: str, features: Features) -> Story:
        return self._make(f"s-{article_id}", features)

    def _make(self, story_id: str, features: Features) -> Story:
        story = Story(id=story_id, title=features.title if is_headline(features.title) else "")
        self.stories[story.id] = story
        return story

    def _join(self, story: Story, article_id: str, features: Features) -> None:
        story.articles.append(article_id)
        story.terms.update(features.terms)
        story.named.update(features.named)
        if features.published:
            story.first_seen = min(filter(None, [story.first_seen, features.published]))
            story.last_seen = max(filter(None, [story.last_seen, features.published]))
            self._newest = max(filter(None, [self._newest, features.published]))
        if not story.title and is_headline(features.title):
            story.title = features.title  # the first report's headline; never a caption or a site's name
        if features.embedding is not None:
            story.embedding_sum = features.embedding.copy() if story.embedding_sum is None \
                else story.embedding_sum + features.embedding
            self._place(story)
        for key in self._keys(features):
            self._postings.setdefault(key, set()).add(story.id)
        self.story_of[article_id] = story.id

    def _place(self, story: Story) -> None:
        vector = story.embedding_sum / (np.linalg.norm(story.embedding_sum) or 1.0)
        if story.slot < 0:
            story.slot = self._meaning.add(story.id, vector)
        else:
            self._meaning.put(story.slot, vector)

    def _merge_with(self, story: Story, others: list[Story], features: Features) -> list[tuple[str, str]]:
        merged = []
        for other in others:
            other = self.stories[self._resolve(other.id)]
            if other.id == story.id:
                continue
            if not all(self._spans(other, when) for when in (story.first_seen, story.last_seen)):
                continue  # together they would span more than one development
            centroid = Features(terms=story.terms, named=frozenset(story.named),
                                embedding=_unit(story.embedding_sum), published=features.published)
            if self.score(centroid, other) >= self.merge_threshold:
                small, large = sorted((story, other), key=lambda s: s.size)
                self._absorb(large, small)
                merged.append((small.id, large.id))
                story = large
        self.merges.extend(merged)
        return merged

    def _absorb(self, large: Story, small: Story) -> None:
        large.articles.extend(small.articles)
        large.terms.update(small.terms)
        large.named.update(small.named)
        if small.embedding_sum is not None:
            large.embedding_sum = small.embedding_sum.copy() if large.embedding_sum is None \
                else large.embedding_sum + small.embedding_sum
            self._place(large)
        if small.slot >= 0:
            self._meaning.clear(small.slot)
            small.slot = -1
        for when in (small.first_seen, small.last_seen):
            if when:
                large.first_seen = min(filter(None, [large.first_seen, when]))
                large.last_seen = max(filter(None, [large.last_seen, when]))
        small.merged_into = large.id
        large.thread = large.thread or small.thread  # (a thread whose first story is merged is read through it)
        for article_id in small.articles:
            self.story_of[article_id] = large.id

    def forget_closed(self) -> list[str]:
        """Drop the stories no report can join any more (see FORGET_AFTER_WINDOWS), with the stories merged into
        them and their articles; returns their ids. Their rows in the store are kept: this is memory only."""
        self._since_sweep = 0
        if self._newest is None:
            return []
        cutoff = self._newest - FORGET_AFTER_WINDOWS * self.live_window
        closed = {s.id for s in self.stories.values()
                  if not s.merged_into and s.last_seen is not None and s.last_seen < cutoff}
        if not closed:
            return []
        gone = [story_id for story_id in self.stories if self._resolve(story_id) in closed]
        for story_id in closed:
            story = self.stories[story_id]
            for key in [*story.terms, *("#" + n for n in story.named)]:
                postings = self._postings.get(key)
                if postings is not None:
                    postings.difference_update(gone)
                    if not postings:
                        del self._postings[key]
            for article_id in story.articles:  # a merged story's articles are among them
                self.story_of.pop(article_id, None)
        for story_id in gone:
            story = self.stories.pop(story_id)
            if story.slot >= 0:
                self._meaning.clear(story.slot)
        return gone

    def _resolve(self, story_id: str) -> str:
        while self.stories[story_id].merged_into:
            story_id = self.stories[story_id].merged_into
        return story_id

    def story_for(self, article_id: str) -> str:
        return self._resolve(self.story_of[article_id])

    def live_stories(self) -> list[Story]:
        return [s for s in self.stories.values() if not s.merged_into]


def _unit(vector: np.ndarray | None) -> np.ndarray | None:
    if vector is None:
        return None
    return vector / (np.linalg.norm(vector) or 1.0)


def _without_meaning(weights: tuple[float, float, float]) -> tuple[float, float, float]:
    terms, named, _ = weights
    total = terms + named
    return terms / total, named / total, 0.0
