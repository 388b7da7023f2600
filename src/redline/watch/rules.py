"""Stage rules: a small language over indicator levels, parsed once and never `eval`-ed.

    rule       := "always" | either
    either     := both ("or" both)*
    both       := single ("and" single)*
    single     := "not" single | "(" either ")" | comparison
    comparison := INDICATOR [OP LEVEL]        (a bare indicator means: above "none")
    OP         := >= | > | = | == | != | <= | <

Levels compare by their order in the indicator's thresholds (none < watch < warning < crossed). A rule that holds
also says why: the comparisons that made it hold, which the stage's reasons then point to evidence with.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from redline.errors import RedlineError

_TOKEN = re.compile(r"\s*(>=|<=|==|!=|>|<|=|\(|\)|[A-Za-z][\w-]*)")
_OPS = {">=": operator.ge, ">": operator.gt, "=": operator.eq, "==": operator.eq, "!=": operator.ne,
        "<=": operator.le, "<": operator.lt}


class RuleError(RedlineError):
    pass


@dataclass(frozen=True)
class Comparison:
    indicator: str
    op: str
    level: str
    rank: int  # the level's place in the indicator's ladder

    def holds(self, ranks: dict[str, int]) -> bool:
        return _OPS[self.op](ranks.get(self.indicator, 0), self.rank)

    def __str__(self) -> str:
        return f"{self.indicator} {self.op} {self.level}"


class Rule:
    """A parsed rule: `explain(ranks)` → (holds, the comparisons that made it hold)."""

    def __init__(self, text: str, node):
        self.text = text
        self._node = node

    def explain(self, ranks: dict[str, int]) -> tuple[bool, list[Comparison]]:
        return _explain(self._node, ranks)

    def holds(self, ranks: dict[str, int]) -> bool:
        return self.explain(ranks)[0]

    def __repr__(self) -> str:
        return f"Rule({self.text!r})"


def parse_rule(text: str, levels: dict[str, list[str]]) -> Rule:
    """Parse `text` against the indicators' level names; a RuleError says what is wrong and where."""
    if text.strip().lower() in ("", "always"):
        return Rule(text, ("always",))
    tokens = _tokens(text)
    parser = _Parser(tokens, levels, text)
    node = parser.either()
    if parser.position < len(tokens):
        raise RuleError(f"unexpected {tokens[parser.position]!r} in rule {text!r}")
    return Rule(text, node)


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = _TOKEN.match(text, position)
        if not found:
            raise RuleError(f"cannot read {text[position:].strip()!r} in rule {text!r}")
        tokens.append(found.group(1))
        position = found.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], levels: dict[str, list[str]], text: str):
        self.tokens, self.levels, self.text, self.position = tokens, levels, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise RuleError(f"rule {self.text!r} ends too early")
        self.position += 1
        return token

    def either(self):
        return self._joined("or", self.both)

    def both(self):
        return self._joined("and", self.single)

    def _joined(self, word: str, part):
        """part (word part)*: one node, or (word, [parts]) when the word joins two or more."""
        parts = [part()]
        while (self.peek() or "").lower() == word:
            self.take()
            parts.append(part())
        return (word, parts) if len(parts) > 1 else parts[0]

    def single(self):
        token = self.take()
        if token.lower() == "not":
            return ("not", self.single())
        if token == "(":
            node = self.either()
            if self.take() != ")":
                raise RuleError(f"missing ')' in rule {self.text!r}")
            return node
        return self.comparison(token)

    def comparison(self, indicator: str):
        if indicator not in self.levels:
            known = ", ".join(sorted(self.levels)) or "none"
            raise RuleError(f"unknown indicator {indicator!r} in rule {self.text!r} (indicators: {known})")
        ladder = self.levels[indicator]
        if self.peek() not in _OPS:
            return ("cmp", Comparison(indicator, ">", ladder[0], 0))
        op = self.take()
        level = self.take()
        if level not in ladder:
            raise RuleError(f"indicator {indicator!r} has no level {level!r} (levels: {', '.join(ladder)})")
        return ("cmp", Comparison(indicator, op, level, ladder.index(level)))


def _explain(node, ranks: dict[str, int]) -> tuple[bool, list[Comparison]]:
    kind = node[0]
    if kind == "always":
        return True, []
    if kind == "cmp":
        holds = node[1].holds(ranks)
        return holds, [node[1]] if holds else []
    if kind == "not":
        holds, _ = _explain(node[1], ranks)
        return not holds, []
    results = [_explain(part, ranks) for part in node[1]]
    if kind == "and":
        holds = all(h for h, _ in results)
        return holds, [c for _, why in results for c in why] if holds else []
    return any(h for h, _ in results), [c for h, why in results if h for c in why]
