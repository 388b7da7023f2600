"""How many: "1,500 elite troops" → 1500 troops; "between 1,000 and 2,000"; "about 3,000"; "thousands of"."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from redline.records import Quantity

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "thousand": 1000, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
# "thousands of troops": an order of magnitude, not a count.
VAGUE = {"dozens": 24, "hundreds": 100, "thousands": 1000, "tens": 10, "millions": 1_000_000}
APPROXIMATE = {"about", "around", "some", "nearly", "almost", "roughly", "approximately", "estimated", "up",
               "over", "more", "less", "fewer", "least", "some", "circa", "c.", "~"}
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?$")


def _number(text: str) -> float | None:
    word = text.lower()
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word])
    if NUMBER.match(text):
        return float(text.replace(",", ""))
    return None


def _value(tokens: list[Token]) -> float | None:
    """'1.5 million' → 1_500_000; '1,500' → 1500; 'two' → 2."""
    value = None
    for token in tokens:
        number = _number(token.text)
        if number is not None and value is None:
            value = number
        elif token.lower_ in SCALES and value is not None:
            value *= SCALES[token.lower_]
    return value


def _unit_of(token: Token) -> Token | None:
    """The noun the number counts: its head for 'nummod', through 'of' for 'thousands of troops'."""
    head = token.head
    if token.dep_ in {"nummod", "quantmod"} and head.pos_ in {"NOUN", "PROPN"}:
        return head
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    if head.pos_ in {"NOUN", "PROPN"} and head.i > token.i:
        return head
    return None


def read_quantities(sent: Span, skip: set[int] | None = None) -> list[tuple[Quantity, Token | None]]:
    """Every quantity in a sentence, with the noun it counts (for whose it is)."""
    skip = skip or set()
    found: list[tuple[Quantity, Token | None]] = []
    used: set[int] = set()
    for token in sent:
        if token.i in used or token.i in skip:
            continue
        if token.ent_type_ in {"DATE", "TIME", "ORDINAL", "PERCENT"}:
            continue
        vague = token.lower_ in VAGUE and any(c.lower_ == "of" for c in token.children)
        if not (token.like_num or vague):
            continue
        group = [token]
        while group[-1].i + 1 < sent.end and group[-1].nbor(1).lower_ in SCALES:
            group.append(group[-1].nbor(1))
        value = float(VAGUE[token.lower_]) if vague else _value(group)
        if value is None:
            continue
        used.update(t.i for t in group)
        low = high = None
        approximate = vague
        previous = token.nbor(-1) if token.i > sent.start else None
        if previous is not None and previous.lower_ in APPROXIMATE:
            approximate = True
        # Ranges: "between 1,000 and 2,000", "1,000 to 2,000", "1,000-2,000".
        if previous is not None and previous.lower_ == "between":
            partner = next((c for c in token.doc[token.i + 1: min(token.i + 4, sent.end)] if c.like_num), None)
            if partner is not None and _number(partner.text) is not None:
                low, high = value, _number(partner.text)
                used.add(partner.i)
        else:
            after = token.doc[token.i + 1: min(token.i + 3, sent.end)]
            if len(after) == 2 and after[0].lower_ in {"to", "-", "–"} and _number(after[1].text) is not None:
                low, high = value, _number(after[1].text)
                used.add(after[1].i)
        unit_token = _unit_of(token)
        currency = CURRENCIES.get(previous.text) if previous is not None else None
        if currency and (unit_token is None or unit_token.i < token.i):
            unit_token = previous  # "$100 million": the sum belongs where the currency sign hangs
        unit = currency or (unit_token.lemma_.lower() if unit_token is not None else None)
        if unit_token is not None and unit_token.lower_.endswith("s") and unit_token.lemma_.lower() == unit_token.lower_:
            unit = unit_token.lower_
        if unit == "troop":
            unit = "troops"
        start = (previous.i if previous is not None and (approximate or currency) else token.i)
        end = (unit_token.i + 1 if unit_token is not None and unit_token.i > token.i else group[-1].i + 1)
        if currency:
            end = group[-1].i + 1
        text = token.doc[start:end].text
        found.append((Quantity(value=value, unit=unit, text=text, low=low, high=high, approximate=approximate),
                      unit_token))
    return found
