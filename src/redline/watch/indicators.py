"""Indicators: which events speak for one (Matcher), and what they say together at a moment (read_indicator).

An indicator's level is the highest threshold its evidence reaches. Each threshold reads the measure over the
evidence it admits (its modalities), so "watch" can hold on a voiced fear while "crossed" waits for reports from
independent sources. Evidence ages: it weighs 0.5^(age / half-life) and stops counting below a quarter (two
half-lives). Sources are independent outlets: a wire copy counts for the outlet it copies (syndication counts once).
"""

from __future__ import annotations

import heapq
import json
import math
import re
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from redline.records import IndicatorState, Observation
from redline.watch.grading import best_reliability, credibility
from redline.watch.watchlist import COUNTER_MODALITIES, NO_LEVEL, RELIABILITY, Indicator, Measure, Threshold

# Strongest first: the modality an indicator shows is the strongest among the evidence behind its value.
STRENGTH = ("asserted", "reported", "assessed", "planned", "promised", "expected", "considered", "conditional",
            "threatened", "feared", "failed",
            "denied", "negated")
STALE_HALF_LIVES = 2  # evidence older than two half-lives (weighing under a quarter) no longer counts
STALE_WEIGHT = 0.5 ** STALE_HALF_LIVES
SHOWN = 5  # evidence and counter-evidence kept on a state (newest first): enough to read, small to store


class Matcher:
    """Decides whether a stored event (the `redline events --json` shape) supports an indicator, denies it, or
    has nothing to do with it."""

    def __init__(self, indicator: Indicator):
        match = indicator.match
        self.indicator = indicator
        self.events = frozenset(match.events)
        self.actors = _party_test(match.actors)
        self.recipients = _party_test(match.recipients)
        self.modes = frozenset(m.lower() for m in match.modes)
        self.contexts = frozenset(c.lower() for c in match.contexts)
        self.keywords = _words_regex(match.keywords)
        self.triggers = _words_regex(match.triggers)
        self.exclude = _words_regex(match.exclude)
        self.modalities = frozenset(match.modalities)

    def wants(self) -> tuple[list[str], list[str], list[str]]:
        """(types, actor codes, recipient codes) a matching event must have one of, for the store to filter on;
        an empty list where any will do (a spec naming a sector only cannot be filtered by code)."""
        match = self.indicator.match

        def codes(specs: list[str]) -> list[str]:
            found = [spec.split(":", 1)[0] for spec in specs]
            return [] if not all(found) else sorted(set(found))

        return sorted(self.events), codes(match.actors), codes(match.recipients)

    def admits(self, event: dict) -> str | None:
        """"support", "counter" (a denial of what the indicator looks for) or None."""
        modality = event["modality"]
        if modality in self.modalities:
            side = "support"
        elif modality in COUNTER_MODALITIES:
            side = "counter"
        else:
            return None
        # PLOVER codes an intention as AGREE; its `action` (AID) is what an indicator on aid looks for.
        if self.events and event["event"] not in self.events and event.get("action") not in self.events:
            return None
        if self.modes and (event.get("mode") or "").lower() not in self.modes:
            return None
        if not self.actors(event, "actor") or not self.recipients(event, "recipient"):
            return None
        if self.contexts and not self.contexts.intersection(c.lower() for c in decoded(event, "context") or ()):
            return None
        if self.keywords and not self.keywords.search(event["evidence"]["sentence"]):
            return None
        if self.triggers and not self.triggers.search(event["evidence"].get("trigger") or ""):
            return None
        if self.exclude and self.exclude.search(event["evidence"]["sentence"]):
            return None
        return side


def decoded(event: dict, key: str):
    """A field of a stored event: the watch reads events with their JSON undecoded, and decodes what it needs."""
    value = event.get(key)
    return json.loads(value) if isinstance(value, str) else value


def _party_test(specs: list[str]) -> Callable[[dict, str], bool]:
    """"PRK" (country), "PRK:MIL" (country and sector), ":MIL" (sector): any party meeting any spec."""
    if not specs:
        return lambda event, side: True
    wanted = [tuple(spec.split(":", 1)) if ":" in spec else (spec, "") for spec in specs]
    if not any(sector for _, sector in wanted):
        # Codes only: the stored " PRK RUS " code string answers without decoding the parties.
        needles = [f" {code} " for code, _ in wanted]

        def test_codes(event: dict, side: str) -> bool:
            codes = event.get(f"{side}_codes")
            if codes is None:
                return test(event, side)
            return any(needle in codes for needle in needles)

        return test_codes

    def test(event: dict, side: str) -> bool:
        # the parties of a reciprocal event act on each other: each stands on both sides
        sides = ("actor", "recipient") if event.get("reciprocal") else (side,)
        for party in (p for s in sides for p in decoded(event, s) or ()):
            code, sector = (party.get("code") or "").upper(), (party.get("sector") or "").upper()
            if any((not c or c == code) and (not s or s == sector) for c, s in wanted):
                return True
        return False

    return test


def _words_regex(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + ")", re.IGNORECASE)


class EvidenceBook:
    """An indicator's evidence, kept in publication order so that a reading at a moment looks only at what is
    live then: reported by that moment and younger than two half-lives."""

    def __init__(self):
        self._keys: list[tuple[float, int]] = []  # (published timestamp, event id), sorted
        self._items: dict[int, Observation] = {}

    def add(self, observation: Observation) -> None:
        if observation.event_id in self._items:
            return
        self._items[observation.event_id] = observation
        key = (observation.published.timestamp(), observation.event_id)
        if not self._keys or key > self._keys[-1]:
            self._keys.append(key)  # the usual case: news arrives in time order
        else:
            insort(self._keys, key)

    def live(self, as_of: datetime, half_life_days: float | None) -> list[Observation]:
        end = bisect_right(self._keys, (as_of.timestamp(), math.inf))
        start = 0
        if half_life_days:
            oldest = (as_of - timedelta(days=half_life_days * STALE_HALF_LIVES)).timestamp()
            start = bisect_right(self._keys, (oldest, -1))
        return [self._items[event_id] for _, event_id in self._keys[start:end]]

    def values(self):
        return self._items.values()

    def __len__(self) -> int:
        return len(self._items)


# --- reading an indicator -------------------------------------------------------------------------------------

def read_indicator(indicator: Indicator, support: Iterable[Observation], counter: Iterable[Observation],
                   as_of: datetime) -> IndicatorState:
    """The indicator's state at `as_of` from the evidence reported by then."""
    unit = indicator.measure.unit if indicator.measure.kind == "quantity" else None
    live = _live(support, as_of, indicator.half_life_days, unit)
    against = [o for o, _, _ in _live(counter, as_of, indicator.half_life_days, None)]
    level = NO_LEVEL
    for name, threshold in indicator.thresholds.items():
        if _reaches(indicator, threshold, live, against, as_of):
            level = name
    value, backing = measure(indicator.measure, live, as_of)
    observations = [o for o, _, _ in live]
    shown = heapq.nlargest(SHOWN, observations, key=lambda o: o.published)
    return IndicatorState(
        indicator=indicator.id, level=level, value=value, unit=unit,
        modality=min({o.modality for o in backing}, key=STRENGTH.index, default=None),
        sources=len({o.source for o in observations}), sources_for_value=len({o.source for o in backing}),
        credibility=credibility(observations, against),
        reliability=best_reliability({o.reliability for o in observations}),
        evidence=shown,
        counter_evidence=heapq.nlargest(SHOWN, against, key=lambda o: o.published),
        as_of=as_of, newest=shown[0].published if shown else None,
    )


def _live(observations: Iterable[Observation], as_of: datetime, half_life: float | None, unit: str | None):
    """(observation, weight, figure in `unit`) for evidence reported by `as_of` and not yet stale."""
    found = []
    now = as_of.timestamp()
    scale = half_life * 86400 if half_life else None
    for observation in observations:
        age = now - observation.published.timestamp()
        if age < 0:
            continue
        w = 0.5 ** (age / scale) if scale else 1.0
        if w >= STALE_WEIGHT:
            found.append((observation, w, _figure(observation, unit) if unit else None))
    return found


def _reaches(indicator: Indicator, threshold: Threshold, live, against: list[Observation], as_of: datetime) -> bool:
    if threshold.modalities is None or set(threshold.modalities) >= set(indicator.match.modalities):
        admitted = live
    else:
        admitted = [item for item in live if item[0].modality in threshold.modalities]
    value, backing = measure(indicator.measure, admitted, as_of)
    if threshold.value is None and indicator.measure.kind == "quantity" and admitted:
        # `watch: {}` on a quantity: any matching report reaches it, with or without a figure
        value, backing = 1.0, [o for o, _, _ in admitted]
    if value is None or (value <= 0 if threshold.value is None else value < threshold.value):
        return False
    if indicator.measure.kind == "quantity" and threshold.value is not None:
        # the sources that give a figure at least this large, not those that merely mention the matter
        backing = [o for o, _, f in admitted if (f or 0) >= threshold.value]
    if len({o.source for o in backing}) < threshold.sources:
        return False
    if threshold.credibility is not None and credibility([o for o, _, _ in admitted], against) > threshold.credibility:
        return False
    return not (threshold.undisputed and credibly_disputed(backing, against))


def strongest_first(observations: Iterable[Observation]) -> list[Observation]:
    """The evidence an alert cites, best first: by modality (asserted before reported, assessed, intentions …),
    then the outlet's grade, then the newest."""
    return sorted(observations, key=lambda o: (STRENGTH.index(o.modality) if o.modality in STRENGTH else len(STRENGTH),
                                               RELIABILITY.index(o.reliability) if o.reliability in RELIABILITY
                                               else len(RELIABILITY), -o.published.timestamp()))


def credibly_disputed(support: list[Observation], against: list[Observation]) -> bool:
    """A denial that is no party's own, from an outlet graded at least as well as the best that supports."""
    deniers = [o for o in against if o.modality == "denied" and not o.by_party]
    if not deniers or not support:
        return bool(deniers)
    best_support = RELIABILITY.index(best_reliability({o.reliability for o in support}))
    return RELIABILITY.index(best_reliability({o.reliability for o in deniers})) <= best_support


def measure(spec: Measure, live: list[tuple[Observation, float, float | None]], as_of: datetime
            ) -> tuple[float | None, list[Observation]]:
    """The measure's value over live (observation, weight, figure) triples, and the observations that give it."""
    if spec.kind == "quantity":
        figures = [(o, f) for o, _, f in live if f is not None]
        if not figures:
            return None, []
        if spec.take == "latest":
            chosen = max(figures, key=lambda pair: (pair[0].published, pair[1]))[1]
        else:
            chosen = max(f for _, f in figures)
        return chosen, [o for o, f in figures if f == chosen]
    if spec.kind == "occurred":
        return round(max((w for _, w, _ in live), default=0.0), 3), [o for o, _, _ in live]
    if spec.kind == "sources":
        best: dict[str, float] = {}
        for o, w, _ in live:
            best[o.source] = max(w, best.get(o.source, 0.0))
        return round(sum(best.values()), 3), [o for o, _, _ in live]
    # count: reports in the window, a wire copy and its original counted once
    oldest = as_of - timedelta(days=spec.window_days) if spec.window_days else None
    recent = [(o, w) for o, w, _ in live if oldest is None or o.published >= oldest]
    per_report: dict[str, float] = {}
    for o, w in recent:
        per_report[o.original] = max(w, per_report.get(o.original, 0.0))
    return round(sum(per_report.values()), 3), [o for o, _ in recent]


def _figure(observation: Observation, unit: str | None) -> float | None:
    """The largest figure in `unit` the evidence gives: "1,500 troops" and "more than 12,000 soldiers" for unit
    troops (the quantity's kind), "$425 million" for USD (its unit as printed)."""
    wanted = _singular(unit or "")
    values = [q["value"] for q in observation.quantities
              if wanted in {_singular(q.get("unit") or ""), _singular(q.get("kind") or "")}
              and q.get("bound") not in UPPER_BOUNDS]
    return max(values) if values else None


# "up to 5,000 could be sent", "fewer than 7,000 remain": a ceiling, not a count; it crosses no threshold.
UPPER_BOUNDS = {"at_most", "less_than"}


def _singular(unit: str) -> str:
    unit = unit.lower().strip()
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit
