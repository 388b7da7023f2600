"""Stage 3, dedup: exact copies, near-duplicates and syndicated (derived) copies of earlier articles, online.

Entry point: `Deduplicator.add(article_id, text) -> Verdict`, in arrival order. An article is
- a duplicate of an earlier one when their normalised texts are equal, or when nearly all of the shorter one's
  word shingles are in the other (a copy with edits, a trimmed lede, an added paragraph): MinHash LSH finds the
  candidates, exact shingle containment decides;
- derived from an earlier one when it reuses long passages of it (wire copy, a rewrite that keeps paragraphs):
  an index of the winnowing fingerprints of 8-word shingles finds the sources, shingles compared one by one find
  the shared runs; runs that are only quotation do not count, since
  independent reports quote the same speech. The link records the shared passages (character offsets in both).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from redline.records import normalise_text

__all__ = ["Deduplicator", "Verdict", "Passage"]

# Near-duplicate: at least this share of the shorter text's 5-word shingles occur in the longer one, and the
# texts' lengths are within the length ratio. Chosen from benchmarks/dedup.py (edited copies, trimmed ledes,
# added paragraphs against rewrites and same-topic pairs); see docs/dedup.md.
NEAR_DUP_CONTAINMENT = 0.8
NEAR_DUP_MIN_LENGTH_RATIO = 0.5
NEAR_DUP_SHINGLE = 5
# MinHash: 128 permutations; LSH at a Jaccard threshold below the containment one, so candidates are not missed.
NUM_PERM = 128
LSH_THRESHOLD = 0.4
# Derived: 8-word shingles (long enough that common phrases rarely match) in runs of at least 12 words;
# at least 30 shared words that are not quotation (two short paragraphs) make a derived copy; a copy whose
# shared passages cover as much of it as NEAR_DUP_CONTAINMENT is a duplicate with edits. Chosen from
# benchmarks/dedup.py: (20, 40) missed rewrites that kept two short paragraphs, (10, 25) gained little more.
PASSAGE_SHINGLE = 8
MIN_PASSAGE_WORDS = 12
MIN_DERIVED_WORDS = 30
# A run this much inside quotation marks is a shared quote, not a shared passage.
QUOTED_SHARE = 0.8
# A passage shingle found in more earlier articles than this is boilerplate or a stock phrase: not indexed further.
MAX_POSTINGS = 50
# The index of earlier articles holds their winnowing fingerprints (Schleimer et al. 2003: the least shingle
# hash of every WINNOW_WINDOW consecutive ones), about a third of their shingles. Two texts that share a run of
# WINNOW_WINDOW shingles (12 words, MIN_PASSAGE_WORDS) share its fingerprint, so no passage the test counts is
# missed. A source sharing at least CANDIDATE_FINGERPRINTS of them is compared shingle by shingle: 30 shared
# words (MIN_DERIVED_WORDS) hold at least two fingerprints.
WINNOW_WINDOW = MIN_PASSAGE_WORDS - PASSAGE_SHINGLE + 1
CANDIDATE_FINGERPRINTS = 2
# Earlier articles kept for comparison (oldest forgotten first): a news window, not the whole archive.
DEFAULT_WINDOW = 100_000

_TOKEN = re.compile(r"\w+", re.UNICODE)
# A quotation ends at its closing mark or at the end of its paragraph: a quote that runs on over paragraphs
# opens each one and closes only the last, and pairing marks across paragraphs would read the prose between
# two quotations as quoted.
_QUOTED = re.compile(r"[\"“«„]([^\n]+?)(?:[\"”»“]|$)", re.MULTILINE)


@dataclass
class Passage:
    """A run of text shared with the source: character offsets in this article and in the source."""

    start: int
    end: int
    source_start: int
    source_end: int
    words: int


@dataclass
class Verdict:
    id: str
    duplicate_of: str | None = None
    derived_from: str | None = None
    similarity: float = 0.0  # containment for duplicates, shared share for derived copies
    passages: list[Passage] = field(default_factory=list)

    @property
    def independent(self) -> bool:
        return self.duplicate_of is None and self.derived_from is None


@dataclass
class _Tokens:
    words: list[str]
    spans: list[tuple[int, int]]  # character offsets of each word in the original text
    quoted: np.ndarray  # bool per word: inside quotation marks


def _tokens(text: str) -> _Tokens:
    matches = list(_TOKEN.finditer(text))
    quoted = np.zeros(len(matches), dtype=bool)
    starts = np.array([m.start() for m in matches], dtype=np.int64)
    for quote in _QUOTED.finditer(text):
        quoted[(starts >= quote.start(1)) & (starts < quote.end(1))] = True
    return _Tokens(words=[m.group(0).casefold() for m in matches], spans=[m.span() for m in matches], quoted=quoted)


@lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    """A 64-bit hash of a word, the same in every process (Python's own hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


_SHINGLE_BASE = np.uint64(0x100000001B3)  # odd: every word's place in the shingle changes its hash


def _word_hashes(words: list[str]) -> np.ndarray:
    return np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))


def _shingles(hashes: np.ndarray, size: int) -> np.ndarray:
    """A hash of each run of `size` words, in text order, rolled from the words' hashes (hashing every run's
    text anew was half of the stage's time)."""
    count = max(0, len(hashes) - size + 1)
    rolled = np.zeros(count, dtype=np.uint64)
    for offset in range(size if count else 0):  # arithmetic modulo 2**64, as uint64 wraps
        rolled = rolled * _SHINGLE_BASE + hashes[offset:offset + count]
    return rolled


def _fingerprints(shingles: np.ndarray) -> list[int]:
    if len(shingles) <= WINNOW_WINDOW:
        return np.unique(shingles).tolist()
    return np.unique(np.lib.stride_tricks.sliding_window_view(shingles, WINNOW_WINDOW).min(axis=1)).tolist()


def word_shingles(text: str, size: int = NEAR_DUP_SHINGLE) -> set[int]:
    """The hashes of a text's runs of `size` words, as the near-duplicate test compares them."""
    return set(_shingles(_word_hashes(_tokens(text).words), size).tolist())


def _low_32_bits(shingle: int) -> int:
    """MinHash's hash of a shingle: the shingle is a hash already, and MinHash's permutations take 32 bits."""
    return shingle & 0xFFFFFFFF


@dataclass
class _Seen:
    """What the window keeps of an earlier article: arrays, not its words. The window holds up to 100,000
    articles; with its index it took 142 KB an article as Python lists and sets, 26 KB now (benchmarks/dedup.py)."""
    key: str  # hash of the normalised text
    spans: np.ndarray  # (words, 2) int32: character offsets of each word
    dup_shingles: np.ndarray  # uint64, sorted and unique
    passage_shingles: np.ndarray  # uint64, in text order


class Deduplicator:
    """Keeps what it needs of earlier articles (a window) to judge each new one against them."""

    def __init__(self, *, window: int = DEFAULT_WINDOW):
        from datasketch import MinHashLSH

        self.window = window
        self._exact: dict[str, str] = {}
        self._seen: OrderedDict[str, _Seen] = OrderedDict()
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        # fingerprint -> the earlier article holding it, or a list of them when more than one does
        self._postings: dict[int, str | list[str]] = {}
        self._template = None

    def __len__(self) -> int:
        """How many earlier articles the window holds."""
        return len(self._seen)

    def add(self, article_id: str, text: str) -> Verdict:
        key = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
        if key in self._exact:
            return Verdict(id=article_id, duplicate_of=self._exact[key], similarity=1.0)
        tokens = _tokens(text)
        hashes = _word_hashes(tokens.words)
        dup_shingles = np.unique(_shingles(hashes, NEAR_DUP_SHINGLE))
        minhash = self._minhash(dup_shingles)
        verdict = self._near_duplicate(article_id, dup_shingles, minhash)
        passage_shingles = _shingles(hashes, PASSAGE_SHINGLE)
        if verdict is None:
            verdict = self._derived(article_id, tokens, passage_shingles)
        if verdict.duplicate_of is None:  # only originals and derived copies are compared against later
            self._remember(article_id, key, tokens, dup_shingles, passage_shingles, minhash)
        return verdict

    # --- near-duplicates ---------------------------------------------------------------------------------------

    def _minhash(self, shingles: np.ndarray):
        from datasketch import MinHash

        if self._template is None:  # every MinHash has the same permutations: computed once, not per article
            self._template = MinHash(num_perm=NUM_PERM)
        minhash = MinHash(num_perm=NUM_PERM, hashfunc=_low_32_bits, permutations=self._template.permutations,
                          scheme=self._template.scheme)
        if len(shingles):
            minhash.update_batch(shingles.tolist())
        return minhash

    def _near_duplicate(self, article_id: str, shingles: np.ndarray, minhash) -> Verdict | None:
        if not len(shingles):
            return None
        best: tuple[float, str] | None = None
        for candidate in self._lsh.query(minhash):
            seen = self._seen.get(candidate)
            if seen is None or not len(seen.dup_shingles):
                continue
            small, large = sorted((len(shingles), len(seen.dup_shingles)))
            if small / large < NEAR_DUP_MIN_LENGTH_RATIO:
                continue
            containment = len(np.intersect1d(shingles, seen.dup_shingles, assume_unique=True)) / small
            if containment >= NEAR_DUP_CONTAINMENT and (best is None or containment > best[0]):
                best = (containment, candidate)
        if best is None:
            return None
        return Verdict(id=article_id, duplicate_of=best[1], similarity=round(best[0], 4))

    # --- derived copies ----------------------------------------------------------------------------------------

    def _derived(self, article_id: str, tokens: _Tokens, shingles: np.ndarray) -> Verdict:
        hits: Counter[str] = Counter()
        for fingerprint in _fingerprints(shingles):
            earlier = self._postings.get(fingerprint)
            if isinstance(earlier, str):
                hits[earlier] += 1
            elif earlier:
                hits.update(earlier)
        shingle_list = shingles.tolist()
        for candidate, count in hits.most_common(5):
            if count < CANDIDATE_FINGERPRINTS:
                break
            seen = self._seen.get(candidate)
            if seen is None:
                continue
            passages = _shared_passages(tokens, shingle_list, seen)
            shared_words = sum(p.words for p in passages)
            if shared_words >= MIN_DERIVED_WORDS:
                share = round(shared_words / max(1, len(tokens.words)), 4)
                length_ratio = min(len(tokens.words), len(seen.spans)) / max(len(tokens.words), len(seen.spans), 1)
                if share >= NEAR_DUP_CONTAINMENT and length_ratio >= NEAR_DUP_MIN_LENGTH_RATIO:
                    return Verdict(id=article_id, duplicate_of=candidate, similarity=share, passages=passages)
                return Verdict(id=article_id, derived_from=candidate, similarity=share, passages=passages)
        return Verdict(id=article_id)

    def _remember(self, article_id, key, tokens, dup_shingles, passage_shingles, minhash) -> None:
        self._exact[key] = article_id
        spans = np.array(tokens.spans, dtype=np.int32).reshape(-1, 2)
        self._seen[article_id] = _Seen(key, spans, dup_shingles, passage_shingles)
        if len(dup_shingles):
            self._lsh.insert(article_id, minhash)
        for fingerprint in _fingerprints(passage_shingles):
            earlier = self._postings.get(fingerprint)
            if earlier is None:
                self._postings[fingerprint] = article_id  # most fingerprints are one article's: no list for them
            elif isinstance(earlier, str):
                self._postings[fingerprint] = [earlier, article_id]
            elif len(earlier) < MAX_POSTINGS:
                earlier.append(article_id)
        while len(self._seen) > self.window:
            self._forget(next(iter(self._seen)))

    def _forget(self, article_id: str) -> None:
        seen = self._seen.pop(article_id)
        if len(seen.dup_shingles):
            self._lsh.remove(article_id)
        for fingerprint in _fingerprints(seen.passage_shingles):
            earlier = self._postings.get(fingerprint)
            if earlier == article_id:
                del self._postings[fingerprint]
            elif isinstance(earlier, list) and article_id in earlier:
                earlier.remove(article_id)
                if len(earlier) == 1:
                    self._postings[fingerprint] = earlier[0]
        self._exact.pop(seen.key, None)


def _shared_passages(tokens: _Tokens, shingles: list[int], source: _Seen) -> list[Passage]:
    """Maximal runs of consecutive shingles found in the source, as passages of at least MIN_PASSAGE_WORDS."""
    source_at: dict[int, int] = {}
    for position, shingle in enumerate(source.passage_shingles.tolist()):
        source_at.setdefault(shingle, position)
    passages: list[Passage] = []
    index = 0
    while index < len(shingles):
        if shingles[index] not in source_at:
            index += 1
            continue
        start, source_start = index, source_at[shingles[index]]
        while index + 1 < len(shingles) and shingles[index + 1] in source_at:
            index += 1
        first_word, last_word = start, index + PASSAGE_SHINGLE - 1
        words = last_word - first_word + 1
        quoted_share = float(tokens.quoted[first_word:last_word + 1].mean()) if words else 0.0
        if words >= MIN_PASSAGE_WORDS and quoted_share < QUOTED_SHARE:
            source_end_word = min(len(source.spans) - 1, source_start + words - 1)
            passages.append(Passage(
                start=tokens.spans[first_word][0], end=tokens.spans[last_word][1],
                source_start=int(source.spans[source_start, 0]), source_end=int(source.spans[source_end_word, 1]),
                words=words,
            ))
        index += 1
    return passages
