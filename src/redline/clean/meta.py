"""Article metadata: the outlet (from URL, e-mail domains, copyright line, brand names), dates, authors, language."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from redline.clean import lines
from redline.records import Author, day_of

# Text longer than this adds nothing to language identification but costs time (its cost grows with the
# length; 200, 300, 500 and 2,000 characters give the same answer on all 181 ScrapingHub bodies).
LANGUAGE_SAMPLE_CHARS = 300


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


def squash(text: str | None) -> str:
    """A name as compared with another: case, spacing and punctuation gone ("Al-Bawaba" = "albawaba")."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


@lru_cache(maxsize=1)
def _squashed_outlets() -> tuple[tuple[Outlet, frozenset[str], str], ...]:
    """Each known outlet with its names and brands, and its publisher, squashed once: asked for each holder."""
    return tuple((o, frozenset(squash(n) for n in (o.name, *o.brands)), squash(o.publisher)) for o in known_outlets())


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
    key = squash(holder)
    if not key:
        return None
    owned = []
    for outlet, names, publisher in _squashed_outlets():
        if key in names:
            return outlet
        if publisher == key:
            owned.append(outlet)
    squashed_text = squash(text) if owned else ""
    mentioned = [o for o in owned if any(squash(b) in squashed_text for b in o.brands)]
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
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_CLOCK = r"(?:[,\s]+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_ZONE = r"(?:\s*\(?(?P<zone>[A-Z]{2,4}|[+-]\d{2}:?\d{2}|UTC[+-]\d{1,2})\)?)?"
# The printed forms that cover most news pages; anything else goes to dateparser.
_COMMON_DATES = [re.compile(p + _CLOCK + _ZONE + r"\W*$", re.IGNORECASE) for p in (
    r"^" + _WEEKDAY + r"(?P<month>[a-z]{3,9})\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",
    r"^" + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]{3,9}),?\s+(?P<year>\d{4})",
    r"^(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})\.?",
)]
# Zone abbreviations seen in news datelines, as fixed offsets in hours.
_ZONE_HOURS = {"UTC": 0, "GMT": 0, "Z": 0, "KST": 9, "JST": 9, "CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "ET": -5,
               "PST": -8, "PDT": -7, "PT": -8, "MSK": 3, "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "HKT": 8,
               "SGT": 8, "AEST": 10, "AEDT": 11, "EET": 2, "EEST": 3}


def _common_date(value: str, tzinfo) -> datetime | None:
    for pattern in _COMMON_DATES:
        match = pattern.match(value)
        if not match:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
        hour, minute = int(match["hour"] or 0), int(match["minute"] or 0)
        ampm = (match["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone_name = match["zone"]
        if zone_name and zone_name.upper() not in _ZONE_HOURS and not zone_name[0] in "+-U":
            return None  # an unknown abbreviation: let dateparser decide
        try:
            parsed = datetime(int(match["year"]), month_number or 0, int(match["day"]), hour, minute,
                              int(match["second"] or 0))
        except (TypeError, ValueError):
            return None
        return parsed.replace(tzinfo=_zone_of(zone_name) or tzinfo)
    return None


# "18 September 2013 Last updated at 13:59 GMT": a date line that also says when the page was last changed.
_LAST_UPDATED = re.compile(r"[\s,|·–-]+(?:last\s+)?(?:updated|modified)\b", re.IGNORECASE)


def date_line(text: str) -> str | None:
    """The date, when a line says nothing but a date (with its time and zone): the dateline a copied page keeps
    between its headline and its text ("May 03, 2013", "Sep 18, 2013, 02:16PM IST"). Else None."""
    if len(text) > 80 or not any(c.isdigit() for c in text):
        return None
    value = _LAST_UPDATED.split(text.strip(), maxsplit=1)[0]
    return value if _common_date(_MONTH_DOT.sub(lambda m: m.group(0)[:-1], value), timezone.utc) else None


def _zone_of(name: str | None):
    if not name:
        return None
    upper = name.upper()
    if upper in _ZONE_HOURS:
        return timezone(timedelta(hours=_ZONE_HOURS[upper]))
    match = re.match(r"^(?:UTC)?([+-])(\d{1,2}):?(\d{2})?$", upper)
    if not match:
        return None
    sign = -1 if match[1] == "-" else 1
    return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3] or 0)))


def parse_date(
    text, tz_name: str | None = None, fallback_tz: str = "UTC", language: str | None = None
) -> datetime | None:
    """A timezone-aware datetime from a printed date; a date printed without a zone is in the outlet's zone."""
    if not text:
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=zone(tz_name, fallback_tz))
    value = _MONTH_DOT.sub(lambda m: m.group(0)[:-1], str(text)).strip(" ,;|")
    found = _parse_printed(value, tz_name, fallback_tz, language)
    if found is not None and not value.isdigit() and not _CLOCK_PRINTED.search(value):  # digits: a timestamp
        return day_of(found.date())  # "2024-10-18", "Oct 18, 2024": that day, not local midnight
    return found


# A time of day in a printed date: "14:05", "2.30", "9 am", "T09".
_CLOCK_PRINTED = re.compile(r"\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b|T\d{2}|\b(?:noon|midnight)\b", re.IGNORECASE)


def _parse_printed(value: str, tz_name: str | None, fallback_tz: str, language: str | None) -> datetime | None:
    tzinfo = zone(tz_name, fallback_tz)
    if _ISO_LIKE.match(value):  # ISO 8601, the common case in feeds and JSON
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tzinfo)
        except ValueError:
            pass
    for part in dict.fromkeys([value, value.split("|")[0].strip()]):  # "Nov 18, 2019 | Updated ...": the first
        found = _common_date(part, tzinfo) or _dateparser(part, tzinfo, language)
        if found:
            return found
    return None


# Absolute dates only: "2 hours ago" means nothing without knowing when the page was read.
_DATEPARSER_PARSERS = ["timestamp", "custom-formats", "absolute-time"]


def _dateparser(value: str, tzinfo, language: str | None) -> datetime | None:
    import dateparser  # slow to import and to run: only for the forms the fast path does not know

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return dateparser.parse(
                value,
                # Naming the language spares dateparser a search through its 200 locales (tens of ms).
                languages=[language] if language else ["en"],
                settings={"TIMEZONE": str(tzinfo), "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past",
                          "PARSERS": _DATEPARSER_PARSERS},
            )
        except ValueError:  # a language dateparser does not know
            return dateparser.parse(value, settings={"TIMEZONE": str(tzinfo), "RETURN_AS_TIMEZONE_AWARE": True,
                                                     "PARSERS": _DATEPARSER_PARSERS})


_AUTHOR_WITH_EMAIL = re.compile(
    r"(?P<name>[^\W\d_][\w.'’\- ]{1,60}?)(?:\s*[(<\[]\s*|\s+)(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*[)>\]]?",
    re.UNICODE,
)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|·|•|\||\band\b)\s*")
# Whole words only: "Byron Smith" and "Contreras" are names, not "By" and "Contact" before one.
_NAME_NOISE = re.compile(r"^(by|write to|contact|reporter|correspondent|staff writer|e-?mail)\b\s*[:]?\s*",
                         re.IGNORECASE)
# What follows a name on a byline: a date, a time, a place ("Jeff Foust — November 18, 2019", "Rahul 0").
_AFTER_NAME = re.compile(
    r"\s+(?:[-–—|,]|on|at|updated|published|\d|staff|senior|chief|correspondent|reporter|editor|writer|contributor"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d).*$",
    re.IGNORECASE,
)


def authors_from_line(line: str) -> list[Author]:
    """'Jin-Woo Shin niceshin@donga.com · Sang-Ho Yun ysh1005@donga.com' → two authors with their e-mails."""
    found = []
    for match in _AUTHOR_WITH_EMAIL.finditer(line):
        name = person_name(match["name"])
        if name:
            found.append(Author(name=name, email=match["email"].lower()))
    if found:
        return found
    names = lines.byline_names(line) or ""
    return [Author(name=n) for n in (person_name(p) for p in _SPLIT_NAMES.split(names)) if n]


# Words that follow a writer's name in bylines and author fields without being part of it: a role, a desk, a
# wire, a day or a month ("Tom Gillespie News reporter", "Jeff Foust Monday", "ERIC TUCKER Associated Press").
_TRAILING_WORDS = frozenset("""news staff senior chief reporter writer correspondent editor columnist contributor
    contributing national political sports sport auto security business associated press ap afp reuters cnn bbc
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec published updated
    posted""".split())
# A name holding one of these words is a desk, an outlet or a site account, not a person.
_ORGANISATION = re.compile(
    r"\b(press|news|staff|bureau|editorial|desk|team|reports?|services?|agency|wire|newsroom|media|online|digital"
    r"|magazine|times|post|editors?|contributors?|sport|tv|radio|network|group|inc|ltd|llc|com|ministry|ministries"
    r"|office|department|government)\b|admin",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d")
_FIELD_PREFIX = re.compile(r"^(?:by|von|par|por|text|текст|posted by|written by)\s*:?\s+", re.IGNORECASE)


def person_name(raw: str, site: frozenset[str] = frozenset()) -> str | None:
    """The writer's name in a byline or an author field, or None when it names no person: an outlet, a desk,
    the site itself (`site`: its names, squashed), a site account ("jdadmin", "RMB") or a profile URL."""
    name = _FIELD_PREFIX.sub("", _NAME_NOISE.sub("", raw.strip(" ·•|,;:-–()<>[]*")).strip())
    name = _AFTER_NAME.sub("", name).removesuffix(" at").strip(" ,.")
    parts = name.split()
    while len(parts) > 1 and parts[-1].strip(".,").casefold() in _TRAILING_WORDS:
        parts.pop()
    name = " ".join(parts)
    # A person's name is one to five capitalised words.
    if not 1 <= len(parts) <= 5 or not all(p[:1].isupper() for p in parts if len(p) > 3):
        return None
    if _NOT_A_NAME.search(name) or _ORGANISATION.search(name) or parts[-1].casefold() in _TRAILING_WORDS:
        return None
    if parts[0] == "The":
        return None  # "The Associated Press", "The Russian defence ministry": an institution
    if len(parts) == 1 and (len(name) < 4 or name.isupper() or "-" in name):
        return None  # a handle or an acronym, not a first name ("Regan" is one, "RMB" and "kevin-r" are not)
    key = squash(name)
    if outlet_by_holder_name(name) or any(key.startswith(s) or s.startswith(key) for s in site if len(s) >= 4):
        return None
    return name.title() if name.isupper() else name


def names_in_field(value: str) -> list[str]:
    """The people an author field lists: "A; B", "A and B", "A & B"; in "Name, Outlet" or "Name, MS, RD" what
    follows the comma is kept only when it reads as another full name."""
    found = []
    for part in re.split(r"\s*(?:;|&|\band\b|\bund\b)\s*", value or ""):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        found += pieces[:1] + [p for p in pieces[1:] if len(p.split()) >= 2]
    return found


def outlet_by_holder_name(name: str) -> bool:
    return squash(name) in _known_names()


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    """Every known outlet's name, brand and publisher, squashed: asked for each byline, so built once."""
    return frozenset(n for _, names, publisher in _squashed_outlets() for n in (*names, publisher) if n)


def detect_language(text: str) -> str | None:
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if lines.words(sample) < 3:
        return None
    import py3langid

    lang, _score = py3langid.classify(sample)
    return lang
