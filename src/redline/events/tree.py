"""Walking the parse: a verb's subject and voice, a head's words without the branches a caller does not want,
and what a count counts."""

from __future__ import annotations

from spacy.tokens import Token


def subject_of(verb: Token) -> Token | None:
    """The verb's own subject word, active or passive."""
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children)


def pruned(head: Token, cut: set[str]) -> list[Token]:
    """The head and its descendants, in text order, leaving out every branch attached by a dependency in `cut`
    (a phrase without its relative clauses, a clause without the clauses hanging on it)."""
    out, stack = [], [head]
    while stack:
        token = stack.pop()
        out.append(token)
        stack.extend(child for child in token.children if child.dep_ not in cut)
    return sorted(out, key=lambda t: t.i)


# Words that count or take part of what follows "of": "scores of refugees", "part of a Karen guerrilla stronghold".
PARTITIVES = {"score", "hundred", "thousand", "dozen", "million", "number", "part", "handful", "majority", "rest",
              "some", "many", "most", "several", "few"}


def partitive_of(head: Token) -> Token | None:
    """"hundreds of websites", "scores of refugees": the thing counted, when the head is a count."""
    if head.lemma_.lower() not in PARTITIVES and head.pos_ != "NUM":
        return None
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
