"""Walking the parse: a head's words without the branches a caller does not want."""

from __future__ import annotations

from spacy.tokens import Token


def pruned(head: Token, cut: set[str]) -> list[Token]:
    """The head and its descendants, in text order, leaving out every branch attached by a dependency in `cut`
    (a phrase without its relative clauses, a clause without the clauses hanging on it)."""
    out, stack = [], [head]
    while stack:
        token = stack.pop()
        out.append(token)
        stack.extend(child for child in token.children if child.dep_ not in cut)
    return sorted(out, key=lambda t: t.i)
