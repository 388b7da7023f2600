"""The typed records that flow between stages: RawItem (ingest) → Article (clean); later stages extend them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class RawItem:
    """One document as read from a source, before cleaning.

    `origin` is where it came from and is unique per item: a path, a URL, `path#line-3` for a JSONL record,
    `feed#entry-id` for a feed entry, `warc#record-id` for a WARC record. `hints` carries metadata the source
    itself declares (a JSON `title`, a feed entry's `published`), which the cleaner prefers over guesses.
    """

    origin: str
    media_type: str  # "text/plain" or "text/html"
    content: str
    url: str | None = None
    hints: dict = field(default_factory=dict)
    fetched_at: datetime = field(default_factory=utcnow)

    def __post_init__(self):
        self.hints = typed_hints(self.hints)

    @property
    def content_sha(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8", "surrogatepass")).hexdigest()


_DATE = (str, datetime, int, float)  # a number is a Unix timestamp
_HINT_TYPES = {"title": (str,), "outlet": (str,), "published": _DATE, "updated": _DATE, "crawled": _DATE}


def typed_hints(hints: dict) -> dict:
    """The hints a source declares, each of the type the cleaner reads; a list given as a title, a mapping as an
    outlet, a boolean as a date, or a number among the authors is dropped here, once, for every reader."""
    kept = {}
    for key, value in hints.items():
        if key == "authors":
            value = [name for name in value if isinstance(name, str)] if isinstance(value, list) else value
            if isinstance(value, str | list) and value:
                kept[key] = value
        elif isinstance(value, _HINT_TYPES.get(key, object)) and not isinstance(value, bool) and value != "":
            kept[key] = value
    return kept


@dataclass(frozen=True)
class Author:
    name: str
    email: str | None = None


@dataclass
class Article:
    """A cleaned article: main text without boilerplate, with its metadata and provenance."""

    id: str
    text: str
    paragraphs: list[str]
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[Author] = field(default_factory=list)
    language: str | None = None
    origin: str | None = None  # RawItem.origin
    raw_sha: str | None = None  # RawItem.content_sha: what exactly was cleaned
    cleaner: str | None = None  # which cleaner and version produced it
    ingested_at: datetime = field(default_factory=utcnow)
    version_of: str | None = None  # id of the earlier version of this article (same URL, other text)
    duplicate_of: str | None = None  # dedup: the first copy of (nearly) this text
    derived_from: str | None = None  # dedup: the article whose passages this one reuses
    shared_passages: list[dict] | None = None  # dedup: [{start, end, source_start, source_end, words}]
    story_id: str | None = None  # stories: the story it belongs to
    place: str | None = None  # the dateline's place ("SEOUL, South Korea"), taken out of the text
    wire: str | None = None  # the dateline's credit: the agency whose copy this is ("Associated Press")

    def to_json(self) -> dict:
        """The `redline clean --json` contract: keep these keys; add fields only after them."""
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": _iso(self.published),
            "updated": _iso(self.updated),
            "authors": [asdict(a) for a in self.authors],
            "language": self.language,
            "text": self.text,
            "paragraphs": len(self.paragraphs),
            "origin": self.origin,
            "cleaner": self.cleaner,
            "duplicate_of": self.duplicate_of,
            "derived_from": self.derived_from,
            "story": self.story_id,
            "published_precision": precision_of(self.published),
            "place": self.place,
            "wire": self.wire,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# A date printed without a time of day is that day, wherever it is read: it is kept as noon UTC of the printed
# date (shown as that date in every zone from UTC-11 to UTC+11, and sorted within its day), and a value of noon
# UTC sharp is shown as a date. Local midnight would put a Seoul date on the evening before in UTC.
DAY_HOUR = 12


def day_of(printed: date) -> datetime:
    """The stored moment of a date printed without a time."""
    return datetime(printed.year, printed.month, printed.day, DAY_HOUR, tzinfo=timezone.utc)


def precision_of(value: datetime | None) -> str | None:
    """"day" for a date printed without a time (kept as noon UTC sharp), "time" otherwise."""
    if value is None:
        return None
    utc = value.astimezone(timezone.utc)
    return "day" if (utc.hour, utc.minute, utc.second, utc.microsecond) == (DAY_HOUR, 0, 0, 0) else "time"


def shown_date(value: datetime | None, with_time: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A stored date as a reader should see it: the day alone when only the day was printed."""
    if value is None:
        return "undated"
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%d") if precision_of(value) == "day" else utc.strftime(with_time)


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def web_url(value: object) -> str | None:
    """`value` when it is an http(s) URL with a host and nothing a browser would read otherwise (whitespace,
    control characters, quotes, angle brackets); None for anything else — `javascript:`, `data:`, relative
    paths. Only such URLs are stored as an article's link, and only such are ever rendered as links."""
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ch in "\"'<>`\\" for ch in value):
        return None
    scheme, _, rest = value.partition(":")
    if scheme.lower() not in ("http", "https") or not rest.startswith("//") or not rest[2:].split("/")[0]:
        return None
    return value


MAX_URL_CHARS = 4096


def normalise_text(text: str) -> str:
    """Text as compared for identity: Unicode-normalised, case-folded, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for mark in _TYPOGRAPHIC_MARKS:  # English news is ASCII but for its quotes and dashes
        if mark in text:
            text = text.replace(mark, " ")
    if text.isascii():  # then a translation table does in C what the Unicode regex does five times slower
        return " ".join(text.translate(_ASCII_NON_WORD_TO_SPACE).split())
    return _NON_WORD.sub(" ", text).strip()


_TYPOGRAPHIC_MARKS = "\u2018\u2019\u201c\u201d\u2013\u2014\u2022\u00b7\u00ab\u00bb"
_ASCII_NON_WORD_TO_SPACE = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def article_id(text: str) -> str:
    """Stable id: the same text, however spaced, punctuated or cased, gets the same id."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


# ---- events ------------------------------------------------------------------------------------------

MODALITIES = (
    "asserted",  # stated as fact by the text or its source
    "reported",  # hearsay: "reportedly", "according to", "reports say"
    "planned",  # the actor intends or prepares it: "plans to", "will", "is set to"
    "expected",  # someone else expects it to happen: "we expect the US to …", "is expected to"
    "considered",  # under consideration: "is considering", "could consider", "is reviewing"
    "conditional",  # will happen if a condition holds: a declared red line; `condition` keeps the clause
    "threatened",  # threatened or warned of by the actor
    "feared",  # a concern or a hypothetical: "fears that", "could provide", inside an if-clause
    "denied",  # someone denies it happened
    "negated",  # the text says it did not happen
    "assessed",  # judged to have happened, not stated: "is believed to have", "probably", "it is possible that"
    "promised",  # the actor committed to it: "pledged to provide", "promised to send"
    "failed",  # attempted and not achieved: "failed to capture", "a failed attempt to launch"
)


@dataclass
class Party:
    """An actor or recipient: the words in the text, an ISO 3166 alpha-3 (or IGO/stable group) code, a sector."""

    text: str
    code: str | None = None
    sector: str | None = None


@dataclass
class Quantity:
    """A number with its unit and whose it is: "1,500 elite troops" → 1500, troops, PRK."""

    value: float
    unit: str | None = None
    what: str | None = None  # the code of the party the quantity belongs to
    text: str = ""
    low: float | None = None  # ranges: "between 1,000 and 2,000"
    high: float | None = None
    approximate: bool = False  # "about", "some", "nearly", "thousands of"
    # exact, about, at_least, more_than, at_most, less_than, range (low–high), order ("thousands of": its lower end)
    bound: str = "exact"
    kind: str | None = None  # what an indicator measures: troops (soldiers, servicemen …), casualties, munitions …


@dataclass
class Speaker:
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    text: str = ""  # the words that name the speaker


@dataclass
class Quote:
    text: str
    speaker: Speaker | None = None
    direct: bool = True  # direct speech in quotation marks, or indirect ("said that …")
    start: int = 0
    end: int = 0


@dataclass
class Evidence:
    """Where an event was read: the sentence and its character offsets in the article's text."""

    sentence: str
    start: int
    end: int
    trigger: str = ""  # the words that carry the event ("dispatched", "meeting")
    article_id: str | None = None
    trigger_start: int | None = None  # the trigger's character offset in the article


@dataclass
class Event:
    event: str  # PLOVER 2.0 event type
    mode: str | None
    context: list[str]
    actor: list[Party]
    recipient: list[Party]
    modality: str
    condition: str | None
    quantities: list[Quantity]
    quote: Quote | None
    cameo: str
    evidence: Evidence
    hearsay: bool = False  # the text attributes it to reports rather than stating it
    future: bool = False  # PLOVER's auxiliary mode: it has not happened yet
    place: Party | None = None
    date: str | None = None  # ISO date, relative dates resolved against the article's date
    action: str | None = None  # the act itself when PLOVER codes the intention: AID for "plans to send troops"
    # who claims it (reported: "…, says Seoul", "according to the NIS") or denies it (denied: "Peskov dismissed …")
    claimed_by: Party | None = None
    # the parties act on each other ("the United States and Jordan agreed"): the first is the actor, PLOVER's way
    reciprocal: bool = False

    def to_json(self) -> dict:
        """The `redline code --json` event contract: keep these keys; add fields only after them."""
        data = asdict(self)
        ordered = {key: data[key] for key in (
            "event", "mode", "context", "actor", "recipient", "modality", "condition",
            "quantities", "quote", "cameo", "evidence")}
        ordered.update({key: data[key] for key in ("hearsay", "future", "place", "date", "action", "claimed_by",
                                                        "reciprocal")})
        return ordered


# ---- watch -------------------------------------------------------------------------------------------

@dataclass
class Observation:
    """A stored event as an indicator sees it: what was said, how surely, by which independent source, when."""

    event_id: int
    article_id: str
    event: str
    modality: str
    hearsay: bool
    sentence: str
    trigger: str | None
    quantities: list[dict]
    published: datetime  # when it was reported: evidence ages from here, and replays run in this order
    outlet: str | None = None
    source: str = ""  # the independent source it counts for: a wire copy counts for the outlet it copies
    original: str = ""  # the article it goes back to: a wire copy and its original are one report
    url: str | None = None
    title: str | None = None
    start: int = 0
    end: int = 0
    reliability: str = "F"  # the outlet's Admiralty letter, from the watchlist's table
    claimed_by: dict | None = None  # who claims (reported) or denies (denied) it: {text, code, sector}
    by_party: bool = False  # the claimant or denier is a party to the act (the Kremlin about Russia's troops)

    def to_json(self) -> dict:
        # Shallow on purpose: states hold thousands of these and the values are already JSON (asdict deep-copies).
        data = {name: getattr(self, name) for name in _OBSERVATION_FIELDS}
        data["published"] = _iso(self.published)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Observation":
        return cls(**{**data, "published": datetime.fromisoformat(data["published"])})


_OBSERVATION_FIELDS = tuple(f.name for f in fields(Observation))


@dataclass
class IndicatorState:
    """An indicator's reading at one moment: level, value and the evidence for and against it."""

    indicator: str
    level: str
    value: float | None
    unit: str | None
    modality: str | None  # the strongest modality behind the value (asserted > reported > planned > … > feared)
    sources: int  # independent sources with live evidence
    sources_for_value: int  # independent sources that give the value itself (the number, for quantities)
    credibility: int  # Admiralty information credibility: 1 confirmed … 5 improbable, 6 cannot be judged
    reliability: str  # the best outlet reliability letter among the sources
    evidence: list[Observation]  # newest first
    counter_evidence: list[Observation]  # denials and negations of the same thing
    as_of: datetime
    newest: datetime | None = None

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"

    @property
    def disputed_by(self) -> list[str]:
        """Who denies the reading, each once: "PRK (a party to it)" for a party's own denial."""
        found = []
        for observation in self.counter_evidence:
            if observation.modality != "denied":
                continue
            who = observation.claimed_by or {}
            name = who.get("code") or who.get("text") or observation.outlet or "unnamed"
            found.append(f"{name} (a party to it)" if observation.by_party else name)
        return list(dict.fromkeys(found))

    def key(self) -> tuple:
        """What makes a new entry in the history: a change of any of these."""
        return (self.level, self.value, self.sources, self.sources_for_value, self.credibility, self.modality)

    def to_json(self) -> dict:
        return {"indicator": self.indicator, "level": self.level, "value": self.value, "unit": self.unit,
                "modality": self.modality, "sources": self.sources, "sources_for_value": self.sources_for_value,
                "credibility": self.credibility, "reliability": self.reliability, "grade": self.grade,
                "evidence": [o.to_json() for o in self.evidence],
                "counter_evidence": [o.to_json() for o in self.counter_evidence],
                "as_of": _iso(self.as_of), "newest": _iso(self.newest), "disputed_by": self.disputed_by}

    @classmethod
    def from_json(cls, data: dict) -> "IndicatorState":
        fields = {k: v for k, v in data.items() if k not in {"grade", "disputed_by"}}
        fields["evidence"] = [Observation.from_json(o) for o in data["evidence"]]
        fields["counter_evidence"] = [Observation.from_json(o) for o in data["counter_evidence"]]
        fields["as_of"] = datetime.fromisoformat(data["as_of"])
        fields["newest"] = datetime.fromisoformat(data["newest"]) if data.get("newest") else None
        return cls(**fields)


@dataclass
class StageState:
    """Where the situation stands on the ladder, since when, and why (each reason points to its evidence)."""

    level: int
    name: str
    since: datetime
    as_of: datetime
    reasons: list[dict]  # [{condition, indicator, level, value, evidence: [Observation json]}]
    held_since: datetime | None = None  # the rule stopped holding then; the stage is kept (hysteresis) until …

    def to_json(self) -> dict:
        return {"level": self.level, "name": self.name, "since": _iso(self.since), "as_of": _iso(self.as_of),
                "reasons": self.reasons, "held_since": _iso(self.held_since)}

    @classmethod
    def from_json(cls, data: dict) -> "StageState":
        return cls(level=data["level"], name=data["name"], since=datetime.fromisoformat(data["since"]),
                   as_of=datetime.fromisoformat(data["as_of"]), reasons=data["reasons"],
                   held_since=datetime.fromisoformat(data["held_since"]) if data.get("held_since") else None)


@dataclass
class Alert:
    """A change worth telling: an indicator's level or the stage moved; what, why, the evidence and against it."""

    watchlist: str
    kind: str  # "indicator" | "stage"
    subject: str  # the indicator id, or "stage"
    before: str
    after: str
    what: str  # one line: "nk-troops-in-russia: watch → warning"
    why: str  # the threshold or rule that now holds (or no longer does)
    evidence: list[dict]
    counter_evidence: list[dict]
    as_of: datetime
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None
    delivered: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict) -> "Alert":
        return cls(watchlist=data["watchlist"], kind=data["kind"], subject=data["subject"], before=data["from"],
                   after=data["to"], what=data["what"], why=data["why"], evidence=data["evidence"],
                   counter_evidence=data["counter_evidence"], as_of=datetime.fromisoformat(data["as_of"]),
                   created_at=datetime.fromisoformat(data["created_at"]), id=data.get("id"))

    def to_json(self) -> dict:
        return {"id": self.id, "watchlist": self.watchlist, "kind": self.kind, "subject": self.subject,
                "from": self.before, "to": self.after, "what": self.what, "why": self.why,
                "evidence": self.evidence, "counter_evidence": self.counter_evidence,
                "as_of": _iso(self.as_of), "created_at": _iso(self.created_at)}
