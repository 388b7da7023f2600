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
from contextlib import contextmanager
from dataclasses import dataclass

from redline.errors import RedlineError
from redline.settings import Settings

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
        return f"Rule({_shown(self.text)})"


def parse_rule(text: str, levels: dict[str, list[str]], max_depth: int = Settings.max_rule_depth) -> Rule:
    """Parse `text` against the indicators' level names; a RuleError says what is wrong and where. A rule nested
    deeper than `max_depth` (parentheses and "not") is refused: no real rule needs it, and it would exhaust the
    stack of the parser and of every evaluation."""
    if text.strip().lower() in ("", "always"):
        return Rule(text, ("always",))
    tokens = _tokens(text)
    parser = _Parser(tokens, levels, text, max_depth)
    node = parser.either()
    if parser.position < len(tokens):
        raise RuleError(f"unexpected {tokens[parser.position]!r} in rule {_shown(text)}")
    return Rule(text, node)


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = _TOKEN.match(text, position)
        if not found:
            raise RuleError(f"cannot read {_shown(text[position:].strip())} in rule {_shown(text)}")
        tokens.append(found.group(1))
        position = found.end()
    return tokens


def _shown(text: str, width: int = 60) -> str:
    """A rule as an error message quotes it: the start of a long one."""
    return repr(text if len(text) <= width else text[:width] + "…")


class _Parser:
    def __init__(self, tokens: list[str], levels: dict[str, list[str]], text: str, max_depth: int):
        self.tokens, self.levels, self.text, self.position = tokens, levels, text, 0
        self.max_depth, self.depth = max_depth, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise RuleError(f"rule {_shown(self.text)} ends too early")
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
            with self._deeper():
                return ("not", self.single())
        if token == "(":
            with self._deeper():
                node = self.either()
            if self.take() != ")":
                raise RuleError(f"missing ')' in rule {_shown(self.text)}")
            return node
        return self.comparison(token)

    @contextmanager
    def _deeper(self):
        self.depth += 1
        if self.depth > self.max_depth:
            raise RuleError(f"rule {_shown(self.text)} nests parentheses and \"not\" more than {self.max_depth} deep "
                            "(setting max_rule_depth)")
        yield
        self.depth -= 1

    def comparison(self, indicator: str):
        if indicator not in self.levels:
            known = ", ".join(sorted(self.levels)) or "none"
            raise RuleError(f"unknown indicator {indicator!r} in rule {_shown(self.text)} (indicators: {known})")
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
