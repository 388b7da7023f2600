"""Copies and stories for a stream of cleaned articles: the dedup stage, then the story tracker.

`Grouper.process(articles)` sets each article's `duplicate_of`, `derived_from` (+ shared passages) and `story_id`.
A duplicate joins its original's story without moving it; every other article is placed by the tracker.
`Grouper.restore(...)` replays stored articles (with their stored story ids and embeddings) so that a new run
continues the stories of the last one.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from redline.dedup import Deduplicator
from redline.records import Article
from redline.stories import StoryTracker
from redline.stories.features import default_embedder, features_of


class Grouper:
    def __init__(self, *, use_embeddings: bool = True):
        self.use_embeddings = use_embeddings
        self.dedup = Deduplicator()
        self.tracker = StoryTracker(use_embeddings=use_embeddings)
        self.touched: set[str] = set()  # stories changed since their rows were last saved
        self.saved_merges = 0  # how many of the tracker's merges have been saved

    def embed(self, articles: list[Article]) -> list[np.ndarray | None]:
        if not self.use_embeddings or not articles:
            return [None] * len(articles)
        return embed_articles(articles)

    def process(self, articles: list[Article], vectors: list[np.ndarray | None] | None = None) -> list[Article]:
        vectors = vectors if vectors is not None else self.embed(articles)
        for article, vector in zip(articles, vectors):
            verdict = self.dedup.add(article.id, article.text)
            article.duplicate_of = verdict.duplicate_of
            article.derived_from = verdict.derived_from
            article.shared_passages = [asdict(p) for p in verdict.passages] or None
            if verdict.duplicate_of and verdict.duplicate_of in self.tracker.story_of:
                article.story_id = self.tracker.attach(article.id, self.tracker.story_for(verdict.duplicate_of))
            else:
                assignment = self.tracker.add(article.id, self._features(article, vector))
                article.story_id = assignment.story_id
                self.touched.update(m for pair in assignment.merged for m in pair)
                if assignment.thread:
                    self.touched.add(assignment.thread)  # its first story now starts a thread
            self.touched.add(article.story_id)
        return articles

    def changes(self) -> tuple[list[dict], list[tuple[str, str]]]:
        """The stories changed and the merges made since the last call: what the store must save."""
        stories = self.tracker.stories
        found = [{"id": s.id, "title": s.title or None, "first_seen": s.first_seen, "last_seen": s.last_seen,
                  "size": s.size, "merged_into": s.merged_into, "thread_id": s.thread}
                 for s in (stories[i] for i in sorted(self.touched) if i in stories)]
        merges = self.tracker.merges[self.saved_merges:]
        self.saved_merges = len(self.tracker.merges)
        self.touched.clear()
        return found, merges

    def restore(self, article: Article, vector: np.ndarray | None) -> None:
        """Replay a stored article into the dedup window and its stored story, without judging it again."""
        self.dedup.add(article.id, article.text)
        if article.story_id:
            self.tracker.restore(article.id, article.story_id, self._features(article, vector))

    def restore_threads(self, threads: dict[str, str]) -> None:
        """The stored threads of the stories replayed (story id -> the id of its thread's first story)."""
        for story_id, thread in threads.items():
            if story_id in self.tracker.stories:
                self.tracker.stories[story_id].thread = thread

    def _features(self, article: Article, vector):
        return features_of(article.text, title=article.title or "", published=article.published, embedding=vector)


def embed_articles(articles: list[Article], embedder=None) -> list[np.ndarray]:
    """What the story tracker reads of each article's meaning: its headed text's sentence embedding."""
    return list((embedder or default_embedder()).embed_reports([_headed(a) for a in articles]))


def _headed(article: Article) -> str:
    return f"{article.title}\n{article.text}" if article.title else article.text
