"""Two of spaCy's small-model components, rewritten to give the same annotations in less time.

Coding is bound by the parse: tok2vec, parser and NER are spaCy's compiled code, but the attribute ruler (a
Matcher with 179 patterns, most of them one token: "TAG is NN → POS NOUN") and the rule lemmatizer (a Python
call and a string lookup per token) spend a fifth of the pipeline's time on what dictionary lookups can do.
Both keep spaCy's own rules and data; the tests check that the annotations are the ones spaCy gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.tokens import Doc

# The token attributes a one-token pattern may test and still be looked up: each against a value or a list.
INDEXABLE = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
COLUMNS = list(INDEXABLE)


class IndexedAttributeRuler:
    """spaCy's attribute ruler with its one-token patterns of plain values looked up in dicts; the others (two
    tokens, REGEX, NOT_IN) still run in a Matcher. The matches are sorted and applied by the ruler itself, so
    later rules win as they do there."""

    def __init__(self, ruler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        self.residual = Matcher(ruler.vocab, validate=False)
        # signature (the attributes a pattern tests, in order) → {their values as hashes → [(rule, match id)]}
        self.indexes: dict[tuple[str, ...], dict[object, list[tuple[int, int]]]] = {}
        for rule, entry in enumerate(ruler.patterns):
            match_id = strings.add(str(rule))
            for pattern in entry["patterns"]:
                if len(pattern) == 1 and _indexable(pattern[0]):
                    self._index(pattern[0], (rule, match_id))
                else:
                    self.residual.add(str(rule), [pattern])
        self.lookups = [(itemgetter(*(COLUMNS.index(name) for name in signature)), index)
                        for signature, index in sorted(self.indexes.items())]

    def _index(self, spec: dict, found: tuple[int, int]) -> None:
        signature = tuple(sorted(spec))
        keys: list[tuple[int, ...]] = [()]
        for name in signature:
            value = spec[name]
            values = value["IN"] if isinstance(value, dict) else [value]
            keys = [key + (_value_hash(self.ruler.vocab, name, v),) for key in keys for v in values]
        index = self.indexes.setdefault(signature, {})
        for key in keys:  # a one-attribute key is the value itself, as itemgetter gives it
            index.setdefault(key if len(key) > 1 else key[0], []).append(found)

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array([INDEXABLE[name] for name in COLUMNS]).tolist()
        matches = []
        for i, row in enumerate(rows):
            for key_of, index in self.lookups:
                found = index.get(key_of(row))
                if found:
                    matches.extend((rule, match_id, i, i + 1) for rule, match_id in found)
        strings = doc.vocab.strings
        matches += [(int(strings[m]), m, s, e) for m, s, e in self.residual(doc, allow_missing=True, as_spans=False)]
        matches.sort()
        self.ruler.set_annotations(doc, matches)
        return doc


def _indexable(spec: dict) -> bool:
    return all(name in INDEXABLE and (not isinstance(value, dict) or set(value) == {"IN"})
               for name, value in spec.items())


def _value_hash(vocab, name: str, value) -> int:
    if name == "IS_SPACE":
        return int(bool(value))
    return vocab.strings.add(value)


class CachedLemmas:
    """spaCy's rule lemmatizer with its answer kept as a string hash per (word, POS, morphology), the key spaCy's
    own cache uses: the same lemmas, read and written as one array instead of a Token object per token."""

    def __init__(self, lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache, strings, overwrite = self.cache, doc.vocab.strings, self.lemmatizer.overwrite
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for index, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not overwrite:
                continue  # set by the attribute ruler ("gonna" → "go"), as spaCy's lemmatizer leaves it
            found = cache.get((orth, pos, morph))
            if found is None:
                found = cache[(orth, pos, morph)] = strings.add(self.lemmatizer.lemmatize(doc[index])[0])
            lemmas[index] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    @contextmanager
    def memory_zone(self, mem=None) -> Iterator[None]:
        """spaCy's memory zone (Language.memory_zone calls it): the lemmas first met inside it are forgotten with
        the strings the zone frees, so that no cached hash outlives its string and the cache stays as it was."""
        known = len(self.cache)
        try:
            yield
        finally:
            for key in list(islice(self.cache, known, None)):  # a dict keeps its keys in the order they came
                del self.cache[key]


def faster_pipes(nlp) -> None:
    """Put the two faster components in place of spaCy's, each built on the one it replaces."""
    from spacy.language import Language

    for name, original, make in (("redline_attributes", "attribute_ruler", IndexedAttributeRuler),
                                 ("redline_lemmas", "lemmatizer", CachedLemmas)):
        if not Language.has_factory(name):
            Language.factory(name, func=_factory(original, make))
        nlp.add_pipe(name, after=original)
        nlp.remove_pipe(original)


def _factory(original: str, make):
    def build(nlp, name):
        return make(nlp.get_pipe(original))
    return build
