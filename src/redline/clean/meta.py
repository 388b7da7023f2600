"""Article metadata: the outlet (from URL, e-mail domains, copyright line, brand names), dates, authors, language."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from redline.clean import lines
from redline.records import Author

# Text longer than this adds nothing to language identification but costs time.
LANGUAGE_SAMPLE_CHARS = 2000


@dataclass(frozen=True)
class Outlet:
    name: str
    domains: tuple[str, ...] = ()
    publisher: str | None = None
    brands: tuple[str, ...] = ()
    timezone: str | None = None
    country: str | None = None
    wire: bool = False

    @property
    def display(self) -> str:
        """'Korea Pro (Korea Risk Group)' when the owner differs from the outlet, else the outlet's name."""
        return f"{self.name} ({self.publisher})" if self.publisher and self.publisher != self.name else self.name


@lru_cache(maxsize=1)
def known_outlets() -> tuple[Outlet, ...]:
    data = json.loads(resources.files("redline.data").joinpath("outlets.json").read_text(encoding="utf-8"))
    return tuple(
        Outlet(
            name=o["name"],
            domains=tuple(o.get("domains", ())),
            publisher=o.get("publisher"),
            brands=tuple(o.get("brands", ())),
            timezone=o.get("timezone"),
            country=o.get("country"),
            wire=bool(o.get("wire")),
        )
        for o in data["outlets"]
    )


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def outlet_by_domain(host: str | None) -> Outlet | None:
    if not host:
        return None
    host = host.lower().split(":")[0].removeprefix("www.")
    for outlet in known_outlets():
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet
    return None


def outlet_by_holder(holder: str, text: str) -> Outlet | None:
    """The outlet a copyright holder names: itself, or the one of the holder's brands the text mentions."""
    key = _squash(holder)
    if not key:
        return None
    owned = []
    for outlet in known_outlets():
        names = [outlet.name, *outlet.brands]
        if any(_squash(n) == key for n in names):
            return outlet
        if outlet.publisher and _squash(outlet.publisher) == key:
            owned.append(outlet)
    squashed_text = _squash(text)
    mentioned = [o for o in owned if any(_squash(b) in squashed_text for b in o.brands)]
    if len(mentioned) == 1:
        return mentioned[0]
    return Outlet(name=holder.strip()) if owned or len(holder) > 2 else None


def resolve_outlet(
    *, url: str | None, author_emails: list[str], holders: list[str], text: str, hint: str | None = None
) -> Outlet | None:
    """Most specific evidence first: the URL's host, the writers' e-mail domains, the copyright holder."""
    host = urlsplit(url).hostname if url else None
    found = outlet_by_domain(host)
    if found:
        return found
    domains = Counter(e.rsplit("@", 1)[1].lower() for e in author_emails)
    for domain, _ in domains.most_common():
        found = outlet_by_domain(domain)
        if found:
            return found
    for holder in holders:
        found = outlet_by_holder(holder, text)
        if found:
            return found
    if hint:
        return outlet_by_holder(hint, text) or Outlet(name=hint)
    if host:
        return Outlet(name=host.removeprefix("www."))
    return None


def zone(name: str | None, fallback: str = "UTC"):
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return timezone.utc


_MONTH_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.", re.IGNORECASE)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_date(text: str | None, tz_name: str | None = None, fallback_tz: str = "UTC") -> datetime | None:
    """A timezone-aware datetime from a printed date; a date printed without a zone is in the outlet's zone."""
    if not text:
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=zone(tz_name, fallback_tz))
    value = _MONTH_DOT.sub(lambda m: m.group(0)[:-1], str(text)).strip(" ,;|")
    tzinfo = zone(tz_name, fallback_tz)
    if _ISO_LIKE.match(value):  # fast path: ISO 8601, the common case in feeds and JSON
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tzinfo)
        except ValueError:
            pass
    import dateparser  # slow to import; only needed for free-form dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            value,
            settings={
                "TIMEZONE": str(tzinfo),
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
                "STRICT_PARSING": False,
            },
        )
    return parsed


_AUTHOR_WITH_EMAIL = re.compile(
    r"(?P<name>[^\W\d_][\w.'’\- ]{1,60}?)\s*[(<\[]?\s*(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*[)>\]]?",
    re.UNICODE,
)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|·|•|\||\band\b)\s*")
_NAME_NOISE = re.compile(r"^(by|reporter|correspondent|staff writer|e-?mail)\s*[:]?\s*", re.IGNORECASE)


def authors_from_line(line: str) -> list[Author]:
    """'Jin-Woo Shin niceshin@donga.com · Sang-Ho Yun ysh1005@donga.com' → two authors with their e-mails."""
    found = []
    for match in _AUTHOR_WITH_EMAIL.finditer(line):
        name = _clean_name(match["name"])
        if name:
            found.append(Author(name=name, email=match["email"].lower()))
    if found:
        return found
    names = lines.byline_names(line) or ""
    return [Author(name=n) for n in (_clean_name(p) for p in _SPLIT_NAMES.split(names)) if n]


def _clean_name(raw: str) -> str | None:
    name = _NAME_NOISE.sub("", raw.strip(" ·•|,;:-–()<>[]")).strip()
    # A name is a few capitalised words; anything else ("Staff", "the desk") is not a person's name.
    parts = name.split()
    if not 1 <= len(parts) <= 5 or not any(p[:1].isupper() for p in parts):
        return None
    return name


def detect_language(text: str) -> str | None:
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if lines.words(sample) < 3:
        return None
    import py3langid

    lang, _score = py3langid.classify(sample)
    return lang
