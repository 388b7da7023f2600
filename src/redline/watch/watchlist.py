"""The analyst's watchlist: a YAML file read into validated, typed settings for the watch engine.

    problem → scenarios → indicators (match, measure, thresholds, half-life) → stages (rules, hysteresis)

Validation is pydantic's, and every mistake is reported with its place in the file ("indicators[2].measure.kind:
Input should be 'occurred', 'sources', 'quantity' or 'count'") in one WatchlistError, so an analyst fixes them all
in one pass. Stage rules are parsed here too, so a rule naming an unknown indicator or level fails at load time,
not at the first alert.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from redline.errors import RedlineError
from redline.records import MODALITIES
from redline.settings import Settings
from redline.watch.rules import Rule, RuleError, parse_rule

# What counts as evidence unless an indicator says otherwise: everything but denials, which count against.
# A failed attempt is no crossing by default (a failed launch is no launch); an analyst can name it.
DEFAULT_MODALITIES = tuple(m for m in MODALITIES if m not in ("denied", "negated", "failed"))
COUNTER_MODALITIES = ("denied", "negated")
NO_LEVEL = "none"
RELIABILITY = "ABCDEF"  # Admiralty code: A completely reliable … E unreliable, F cannot be judged


class WatchlistError(RedlineError):
    """A watchlist that cannot be used: every problem found, one per line, each with its place in the file."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(Strict):
    """Which events speak for an indicator. Every field given must hold (and); within a field, any value (or)."""

    events: list[str] = []  # PLOVER types: AID, MOBILIZE, …
    actors: list[str] = []  # "PRK", "PRK:MIL" (country and sector) or ":MIL" (sector only)
    recipients: list[str] = []
    modes: list[str] = []
    contexts: list[str] = []
    keywords: list[str] = []  # words in the evidence sentence (case-insensitive, word starts: "satellite" → satellites)
    triggers: list[str] = []  # words of the event's trigger ("launch", "dispatch")
    exclude: list[str] = []  # words that rule a sentence out ("failed", "anniversary"): word starts, as keywords
    modalities: list[str] = list(DEFAULT_MODALITIES)

    @field_validator("events", "actors", "recipients")
    @classmethod
    def _upper(cls, values: list[str]) -> list[str]:
        return [v.strip().upper() for v in values]

    @field_validator("modalities")
    @classmethod
    def _known_modalities(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in MODALITIES]
        if unknown:
            raise ValueError(f"unknown modality {', '.join(unknown)} (known: {', '.join(MODALITIES)})")
        return values


class Measure(Strict):
    """What number an indicator reads from its evidence."""

    kind: Literal["occurred", "sources", "quantity", "count"] = "occurred"
    unit: str | None = None  # quantity: the unit to read ("troops")
    take: Literal["max", "latest"] = "max"  # quantity: the largest figure, or the newest
    window_days: float | None = Field(default=None, gt=0)  # count: only evidence this recent

    @model_validator(mode="after")
    def _unit_for_quantity(self) -> "Measure":
        if self.kind == "quantity" and not self.unit:
            raise ValueError("a quantity measure needs a unit (for example unit: troops)")
        return self


class Threshold(Strict):
    """One level of an indicator: it holds when the measure, read over the evidence this level admits, reaches
    `value` with at least `sources` independent sources (and, if given, an Admiralty credibility this good)."""

    value: float | None = None  # None: any evidence at all
    sources: int = Field(default=1, ge=1)
    modalities: list[str] | None = None  # None: the indicator's match.modalities
    credibility: int | None = Field(default=None, ge=1, le=6)
    # Not credibly disputed: no live denial from an outlet graded at least as well as the best support, a party's
    # denial of its own act aside (the Kremlin denying Russia's part is expected, and proves nothing either way).
    undisputed: bool = False

    @field_validator("modalities")
    @classmethod
    def _known_modalities(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else Match._known_modalities(values)


class Indicator(Strict):
    id: str = Field(pattern=r"^[A-Za-z][\w-]*$")
    question: str
    scenarios: list[str] = []
    match: Match
    measure: Measure = Measure()
    thresholds: dict[str, Threshold]  # in order, lowest level first
    half_life_days: float | None = Field(default=None, gt=0)  # evidence weighs half as much after this many days

    @field_validator("measure", mode="before")
    @classmethod
    def _measure_shorthand(cls, value):
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("thresholds", mode="before")
    @classmethod
    def _threshold_shorthand(cls, value):
        if not isinstance(value, dict) or not value:
            raise ValueError("thresholds must map level names to a number or to {value, sources, modalities}")
        return {name: ({"value": spec} if isinstance(spec, (int, float)) else (spec or {}))
                for name, spec in value.items()}

    @field_validator("thresholds")
    @classmethod
    def _level_names(cls, value: dict[str, Threshold]) -> dict[str, Threshold]:
        if NO_LEVEL in value:
            raise ValueError(f"'{NO_LEVEL}' is the level below every threshold; name the thresholds otherwise")
        return value

    @property
    def levels(self) -> list[str]:
        """Level names, lowest first, starting with the level below every threshold."""
        return [NO_LEVEL, *self.thresholds]


class Stage(Strict):
    level: int = Field(ge=0)
    name: str
    when: str = "always"  # a rule over indicator levels: "troops >= warning and (combat >= watch or tech = crossed)"
    description: str = ""


class Scenario(Strict):
    id: str
    title: str


class Hysteresis(Strict):
    # A stage is left for a lower one only after its rule has failed this long: no flapping on one stale report.
    down_after_days: float = Field(default=7, ge=0)


class Sink(Strict):
    """Where alerts go besides the store: console, a JSONL file, a webhook, an e-mail address."""

    kind: Literal["console", "jsonl", "webhook", "email"]
    path: str | None = None  # jsonl
    url: str | None = None  # webhook
    retries: int = Field(default=3, ge=0)  # webhook: tries after the first, with exponential backoff
    timeout_s: float = Field(default=10, gt=0)
    host: str | None = None  # email: SMTP server
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # the environment variable holding the SMTP password (never the password)
    sender: str = "redline@localhost"
    to: list[str] = []

    @model_validator(mode="after")
    def _needs(self) -> "Sink":
        needed = {"jsonl": ("path",), "webhook": ("url",), "email": ("host", "to")}.get(self.kind, ())
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise ValueError(f"a {self.kind} sink needs {' and '.join(missing)}")
        return self


class Watchlist(Strict):
    id: str = Field(pattern=r"^[A-Za-z][\w-]*$")
    problem: str
    scenarios: list[Scenario] = []
    indicators: list[Indicator]
    stages: list[Stage]
    hysteresis: Hysteresis = Hysteresis()
    # Outlet → Admiralty reliability letter; the table the analyst edits (inline, or a YAML file beside this one).
    reliability: dict[str, str] = {}
    default_reliability: str = "F"
    alerts: list[Sink] = []
    version: str = ""  # a hash of the file: states record which version of the watchlist produced them

    @field_validator("alerts", mode="before")
    @classmethod
    def _sink_shorthand(cls, value):
        # "- console", "- jsonl: alerts.jsonl", "- webhook: http://…" or the full mapping
        specs = []
        for spec in value or []:
            if isinstance(spec, str):
                spec = {"kind": spec}
            elif isinstance(spec, dict) and len(spec) == 1 and "kind" not in spec:
                (kind, arg), = spec.items()
                key = {"jsonl": "path", "webhook": "url"}.get(kind)
                spec = {"kind": kind, **(arg if isinstance(arg, dict) else {key or "path": arg})}
            specs.append(spec)
        return specs

    @field_validator("reliability")
    @classmethod
    def _letters(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [f"{outlet}: {grade}" for outlet, grade in value.items() if str(grade).upper() not in RELIABILITY]
        if bad:
            raise ValueError(f"reliability must be one of A–F ({'; '.join(bad)})")
        return {outlet_key(outlet): str(grade).upper() for outlet, grade in value.items()}

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "Watchlist":
        problems = []
        ids = [i.id for i in self.indicators]
        problems += [f"indicator id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        known_scenarios = {s.id for s in self.scenarios}
        for indicator in self.indicators:
            unknown = [s for s in indicator.scenarios if known_scenarios and s not in known_scenarios]
            if unknown:
                problems.append(f"indicator {indicator.id!r} speaks for unknown scenario(s) {', '.join(unknown)}")
        levels = [s.level for s in self.stages]
        if sorted(levels) != list(range(len(levels))):
            problems.append(f"stage levels must be 0, 1, 2, … with no gaps or repeats (got {levels})")
        for stage in self.stages:
            try:
                parse_rule(stage.when, {i.id: i.levels for i in self.indicators},
                           (info.context or {}).get("max_rule_depth", Settings.max_rule_depth))
            except RuleError as exc:
                problems.append(f"stage {stage.level} ({stage.name}): {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def rules(self) -> dict[int, Rule]:
        """Stage level → its parsed rule, parsed once: every evaluation reads them all."""
        levels = {i.id: i.levels for i in self.indicators}
        # Validated already, under whatever depth limit the loader gave: no limit again here.
        return {stage.level: parse_rule(stage.when, levels, max_depth=10**6) for stage in self.stages}

    def rule(self, stage: Stage) -> Rule:
        return self.rules[stage.level]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    @property
    def ladder(self) -> list[Stage]:
        return sorted(self.stages, key=lambda s: s.level)

    def reliability_of(self, outlet: str | None) -> str:
        if not outlet:
            return self.default_reliability
        return self.reliability.get(outlet_key(outlet)) or self.default_reliability


_SITE_SUFFIX = re.compile(r"\.(?:com|org|net|co\.kr|co\.uk|co\.jp|kr|jp|ru|ua|de|fr|uk|int|gov)$")


def outlet_key(name: str) -> str:
    """An outlet's name as the reliability table is looked up by: "The Korea Herald", "koreaherald.com" and
    "Korea Herald" are one outlet (lower case, no leading "the", no site suffix, letters and digits only)."""
    key = _SITE_SUFFIX.sub("", str(name).strip().lower()).removeprefix("www.")
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"[^\w]+", "", key)


def load_watchlist(path: str | Path, settings: Settings | None = None) -> Watchlist:
    """Read and validate a watchlist; a `reliability:` that names a file is read from beside the watchlist.
    A file over `max_watchlist_bytes`, or nested deeper than `max_nesting`, is refused before it is parsed."""
    path = Path(path)
    settings = settings or Settings()
    raw, data = _read_yaml(path, settings)
    if not isinstance(data, dict):
        raise WatchlistError(f"{path}: a watchlist is a mapping with problem, indicators and stages")
    if isinstance(data.get("reliability"), str):
        data["reliability"] = _reliability_table(path.parent / data["reliability"], path, settings)
    data["version"] = hashlib.sha256(raw).hexdigest()[:12]
    try:
        return Watchlist.model_validate(data, context={"max_rule_depth": settings.max_rule_depth})
    except ValidationError as exc:
        lines = [f"  {_place(e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise WatchlistError(f"{path}: {len(lines)} problem(s)\n" + "\n".join(lines)) from None


def _check_nesting(raw: bytes, limit: int, path: Path) -> None:
    """Refuse YAML nested deeper than `limit` (mappings, lists, and flow `[[[…` alike) by reading its events,
    which the YAML parser produces without recursion; building the document from them recurses once per level."""
    depth = 0
    for event in yaml.parse(raw, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limit:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise WatchlistError(f"{path}: nested more than {limit} deep at line {line} (setting max_nesting)")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _read_yaml(path: Path, settings: Settings) -> tuple[bytes, object]:
    """The file's bytes and its YAML, refused with one line if too big, too deep, not UTF-8 or not YAML."""
    try:
        size = path.stat().st_size
        if size > settings.max_watchlist_bytes:
            raise WatchlistError(f"{path}: {size:,} bytes is more than a watchlist may hold "
                                 f"({settings.max_watchlist_bytes:,}, setting max_watchlist_bytes)")
        raw = path.read_bytes()
        _check_nesting(raw, settings.max_nesting, path)
        return raw, yaml.safe_load(raw)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise WatchlistError(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from exc
    except yaml.YAMLError as exc:
        raise WatchlistError(f"{path}: not valid YAML ({_yaml_place(exc)})") from exc


def _reliability_table(table: Path, watchlist: Path, settings: Settings) -> dict:
    try:
        data = _read_yaml(table, settings)[1] or {}
    except WatchlistError as exc:
        raise WatchlistError(f"{watchlist}: cannot read its reliability table: {exc}") from exc
    if not isinstance(data, dict):
        raise WatchlistError(f"{table}: a reliability table maps outlet names to letters A–F")
    return data.get("outlets", data)


def _place(loc: tuple) -> str:
    """('indicators', 2, 'measure', 'kind') → indicators[2].measure.kind"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def _yaml_place(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem
