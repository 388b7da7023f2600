"""When: the date a sentence gives for its event, relative dates ("on Tuesday") resolved against the article's."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import dateparser
from spacy.tokens import Span, Token

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def event_date(sent: Span, trigger: Token, on: date | None) -> str | None:
    """The date the sentence gives, nearest the event's word; "on Tuesday" resolved against the article date."""
    dates = [e for e in sent.ents if e.label_ == "DATE"]
    if not dates:
        return None
    ent = min(dates, key=lambda e: abs(e.start - trigger.i))
    words = ent.text.lower()
    relative = any(d in words for d in WEEKDAYS) or any(w in words for w in ("yesterday", "today", "tonight"))
    if relative and on is None:
        return None  # "on Tuesday" without the article's date: which Tuesday is unknown
    if not relative and not (any(m in words for m in MONTHS) and any(c.isdigit() for c in words)):
        return None  # "last year", "next week", "three months": not a day
    return _parse(ent.text, on)


@lru_cache(maxsize=4096)
def _parse(text: str, on: date | None) -> str | None:
    """dateparser takes milliseconds a call; an article's dates ("on Tuesday", "Oct. 22") recur across its events."""
    settings = {"PREFER_DATES_FROM": "past"}
    if on is not None:
        settings["RELATIVE_BASE"] = datetime.combine(on, datetime.min.time())
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date().isoformat() if parsed else None
