"""The watch engine: a watchlist kept up to date against the store, incrementally, with history and alerts.

    Watcher(watchlist, store)     reads the stored events its indicators could match, once
    .observe(article_ids)         new articles' events: only the indicators they touch are read again
    .evaluate(as_of)              every indicator read again at `as_of` (evidence ages), then the stage
    .read(as_of)                  the board at `as_of`, shown and never recorded: what `board`, `brief`, the
                                  dashboard and the API show

`observe` and `evaluate` record what changed (indicator readings and the stage, as history rows that are never overwritten) and
raises an alert for every change of level or stage, in one transaction; sinks are told after it commits. Reading
the same evidence again changes nothing, so it raises nothing: a re-run, or a wire copy of a report already
counted, is silent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from redline.records import Alert, IndicatorState, Observation, StageState, utcnow
from redline.store import Store
from redline.watch.indicators import (STALE_HALF_LIVES, EvidenceBook, Matcher, decoded, read_indicator,
                                      strongest_first)
from redline.watch.ladder import climb
from redline.watch.watchlist import NO_LEVEL, Indicator, Watchlist


def moment(value: str | None, store: Store, *, end_of_day: bool = True) -> datetime | None:
    """When to read a watchlist: None for now ("now" or nothing), "latest" for the newest stored article's date
    (an archive), or an ISO date or date-time (naive means UTC). A bare date means the end of that day, or with
    `end_of_day=False` its start. ValueError for anything else."""
    if not value or value == "now":
        return None
    if value == "latest":
        return store.newest_published()
    parsed = datetime.fromisoformat(value)
    if len(value) <= 10 and end_of_day:
        parsed += timedelta(days=1) - timedelta(microseconds=1)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@dataclass
class Board:
    """What `redline board` shows: the ladder, where the situation stands, every indicator, the new alerts."""

    watchlist: Watchlist
    stage: StageState
    indicators: list[IndicatorState]
    alerts: list[Alert] = field(default_factory=list)

    def to_json(self) -> dict:
        """The `redline board --json` contract: keep these keys; add fields only after them."""
        w = self.watchlist
        return {
            "watchlist": w.id,
            "problem": w.problem,
            "as_of": self.stage.as_of.isoformat(),
            "stage": self.stage.to_json(),
            "ladder": [{"level": s.level, "name": s.name, "when": s.when, "current": s.level == self.stage.level}
                       for s in w.ladder],
            "indicators": [_indicator_json(w.indicator(s.indicator), s) for s in self.indicators],
            "alerts": [a.to_json() for a in self.alerts],
            "version": w.version,
        }


def _reported_at(event: dict) -> datetime:
    """When a report was published; an undated one (a text dump with no date) is taken as of the first dated
    report of its story, the best estimate there is, and only when there is none, as of when it was stored."""
    return event["published"] or event.get("story_first_seen") or event["ingested_at"]


def _claimant(event: dict) -> dict:
    """Who claims or denies a stored event, and whether that is one of its own parties."""
    who = decoded(event, "claimed_by")
    if not who:
        return {}
    parties = f"{event.get('actor_codes') or ''} {event.get('recipient_codes') or ''}".split()
    return {"claimed_by": who, "by_party": bool(who.get("code")) and who["code"] in parties}


def _indicator_json(indicator: Indicator, state: IndicatorState) -> dict:
    return {"id": indicator.id, "question": indicator.question, "scenarios": indicator.scenarios,
            "measure": indicator.measure.kind, "levels": indicator.levels, **state.to_json()}


class Watcher:
    def __init__(self, watchlist: Watchlist, store: Store, *, sinks: Iterable = ()):
        self.watchlist = watchlist
        self.store = store
        self.sinks = list(sinks)
        self.matchers = [Matcher(i) for i in watchlist.indicators]
        self.support = {i.id: EvidenceBook() for i in watchlist.indicators}
        self.counter = {i.id: EvidenceBook() for i in watchlist.indicators}
        self.states, self.stage = store.latest_watch(watchlist.id)
        # The database returns only events some indicator could match (by type and party codes); each event is
        # then shown only to the indicators that look for its type.
        self.wanted = [m.wants() for m in self.matchers]
        self.by_type: dict[str, list[Matcher]] = {}
        for matcher in self.matchers:
            for kind in matcher.events:
                self.by_type.setdefault(kind, []).append(matcher)
        self.any_type = [m for m in self.matchers if not m.events]
        self._add(store.watch_events(wanted=self.wanted))

    # --- evidence ----------------------------------------------------------------------------------------------

    def _add(self, events: Iterable[dict]) -> set[str]:
        """Match events to indicators; returns the indicators that gained evidence."""
        matched: list[tuple[Matcher, str, dict]] = []
        for event in events:
            candidates = self.by_type.get(event["event"], [])
            if event.get("action") and event["action"] != event["event"]:
                candidates = candidates + [m for m in self.by_type.get(event["action"], []) if m not in candidates]
            for matcher in candidates + self.any_type:
                side = matcher.admits(event)
                if side:
                    matched.append((matcher, side, event))
        roots = self.store.article_roots({e["article_id"] for _, _, e in matched}) if matched else {}
        touched, made = set(), {}
        for matcher, side, event in matched:
            book = self.support if side == "support" else self.counter
            if event["id"] not in made:  # one Observation per event, shared by the indicators it speaks for
                made[event["id"]] = self._observation(event, roots[event["article_id"]])
            book[matcher.indicator.id].add(made[event["id"]])
            touched.add(matcher.indicator.id)
        return touched

    def _observation(self, event: dict, root: tuple[str, str | None]) -> Observation:
        original, root_outlet = root
        return Observation(
            event_id=event["id"], article_id=event["article_id"], event=event["event"], modality=event["modality"],
            hearsay=event["hearsay"], sentence=event["sentence"], trigger=event["trigger"],
            quantities=decoded(event, "quantities") or [], published=_reported_at(event),
            outlet=event["outlet"], source=root_outlet or event["outlet"] or original, original=original,
            url=event["url"], title=event["title"], start=event["start"], end=event["end"],
            reliability=self.watchlist.reliability_of(root_outlet or event["outlet"]), **_claimant(event))

    # --- evaluation --------------------------------------------------------------------------------------------

    def observe(self, article_ids: list[str], as_of: datetime | None = None) -> Board:
        """Take in the events of newly coded articles; only the indicators they touch are read again."""
        touched = self._add(self.store.watch_events(wanted=self.wanted, article_ids=article_ids)) if article_ids else set()
        return self._evaluate(as_of or utcnow(), touched)

    def evaluate(self, as_of: datetime | None = None) -> Board:
        """Read every indicator again at `as_of` (now by default): evidence ages, so levels can fall."""
        return self._evaluate(as_of or utcnow(), {i.id for i in self.watchlist.indicators})

    def read(self, as_of: datetime | None = None) -> Board:
        """The board at `as_of` (now by default), read and never recorded: no history row, no alert. History is
        written only as evidence arrives (ingest, collect, replay), so looking at a board, past or present, changes
        nothing. From the last recorded moment on, the stage keeps the recorded path (its hysteresis); before it,
        the stage is read afresh."""
        as_of = as_of or utcnow()
        states = {i.id: self._read(i, as_of) for i in self.watchlist.indicators}
        recorded = self.stage if self.stage is not None and as_of >= self.stage.as_of else None
        stage = climb(self.watchlist, states, recorded, as_of)
        return Board(self.watchlist, stage, [states[i.id] for i in self.watchlist.indicators])

    def replay(self, steps: Iterable[tuple[str, datetime]]) -> Iterable[Board]:
        """Walk stored articles in publication order, reading the watchlist as of each one: the indicators the
        article speaks to at once, and every indicator at each new day (evidence ages by the day)."""
        by_article: dict[str, set[str]] = {}
        for book in (self.support, self.counter):
            for indicator_id, observations in book.items():
                for observation in observations.values():
                    by_article.setdefault(observation.article_id, set()).add(indicator_id)
        every = {i.id for i in self.watchlist.indicators}
        day = None
        for article_id, when in steps:
            touched = by_article.get(article_id, set())
            if when.date() != day:
                touched, day = every, when.date()
            yield self._evaluate(when, touched)

    def _evaluate(self, as_of: datetime, indicator_ids: set[str]) -> Board:
        if self.stage is not None and as_of < self.stage.as_of:
            return self.read(as_of)  # earlier than the last reading recorded: history runs forward only
        changed, raised = [], []
        for indicator in self.watchlist.indicators:
            if indicator.id not in indicator_ids and indicator.id in self.states:
                continue
            state = self._read(indicator, as_of)
            before = self.states.get(indicator.id)
            if before is None or before.key() != state.key():
                changed.append(state)
            if (before.level if before else NO_LEVEL) != state.level:
                raised.append(self._indicator_alert(indicator, before, state))
            self.states[indicator.id] = state
        stage = climb(self.watchlist, self.states, self.stage, as_of)
        stage_changed = self.stage is None or (stage.level, stage.held_since) != (self.stage.level, self.stage.held_since)
        before = self.stage or self._ground(as_of)
        if stage.level != before.level:
            raised.append(self._stage_alert(before, stage))
        self.stage = stage
        self.store.save_watch(self.watchlist.id, self.watchlist.version, changed, stage if stage_changed else None,
                              raised)
        for alert in raised:
            self._deliver(alert)
        return Board(self.watchlist, stage, [self.states[i.id] for i in self.watchlist.indicators], raised)

    def aged_out(self, as_of: datetime) -> tuple[int, float] | None:
        """(how many pieces of evidence were reported by `as_of`, the longest window any indicator counts in
        days) when there is evidence and all of it is too old to count: a board read long after an archive's
        articles. None otherwise."""
        reported, live, window = 0, 0, 0.0
        for indicator in self.watchlist.indicators:
            books = (self.support[indicator.id], self.counter[indicator.id])
            its_own = sum(len(book.live(as_of, None)) for book in books)
            if its_own:
                reported += its_own
                live += sum(len(book.live(as_of, indicator.half_life_days)) for book in books)
                window = max(window, (indicator.half_life_days or math.inf) * STALE_HALF_LIVES)
        return (reported, window) if reported and not live else None

    def _read(self, indicator: Indicator, as_of: datetime) -> IndicatorState:
        half_life = indicator.half_life_days
        return read_indicator(indicator, self.support[indicator.id].live(as_of, half_life),
                              self.counter[indicator.id].live(as_of, half_life), as_of)

    # --- alerts ------------------------------------------------------------------------------------------------

    def _indicator_alert(self, indicator: Indicator, before: IndicatorState | None, after: IndicatorState) -> Alert:
        old = before.level if before else NO_LEVEL
        rising = indicator.levels.index(after.level) > indicator.levels.index(old)
        if rising:
            why = f"{after.level}: {_threshold_text(indicator, after.level)}"
        else:
            why = f"{old} no longer holds ({_threshold_text(indicator, old)})"
            newest = after.newest or (before.newest if before else None)
            if newest and indicator.half_life_days:
                why += f"; newest evidence {newest:%Y-%m-%d}, half-life {indicator.half_life_days:g} days"
        value = "" if after.value is None else f" (value {after.value:g}{' ' + after.unit if after.unit else ''})"
        return Alert(
            watchlist=self.watchlist.id, kind="indicator", subject=indicator.id, before=old, after=after.level,
            what=f"{indicator.id}: {old} → {after.level}{value}, {after.sources} source(s), grade {after.grade}",
            why=why, evidence=[o.to_json() for o in strongest_first(after.evidence)],
            counter_evidence=[o.to_json() for o in after.counter_evidence], as_of=after.as_of)

    def _ground(self, as_of: datetime) -> StageState:
        """Where a watch starts before its first reading: the ladder's lowest stage."""
        lowest = self.watchlist.ladder[0]
        return StageState(level=lowest.level, name=lowest.name, since=as_of, as_of=as_of, reasons=[])

    def _stage_alert(self, before: StageState, after: StageState) -> Alert:
        rule = next(s.when for s in self.watchlist.ladder if s.level == after.level)
        evidence = [o for reason in after.reasons for o in reason["evidence"]]
        counter = [o.to_json() for reason in after.reasons if reason["indicator"]
                   for o in self.states[reason["indicator"]].counter_evidence]
        direction = "up" if after.level > before.level else "down"
        why = (f"stage {after.level} rule holds: {rule}" if direction == "up" else
               f"stage {before.level}'s rule failed for {self.watchlist.hysteresis.down_after_days:g} days; "
               f"stage {after.level} rule: {rule}")
        return Alert(
            watchlist=self.watchlist.id, kind="stage", subject="stage", before=str(before.level),
            after=str(after.level),
            what=f"stage {direction}: {before.level} {before.name} → {after.level} {after.name}",
            why=why, evidence=evidence, counter_evidence=counter, as_of=after.as_of)

    def retry_failed(self) -> tuple[int, int]:
        """Send again every alert a sink of this watchlist failed to take (a mail server that was down, a webhook
        that answered 503); the attempts add up in the store. Returns (delivered now, still failing)."""
        sinks = {sink.name: sink for sink in self.sinks}
        delivered = failing = 0
        for data, name, attempts_before in self.store.failed_deliveries(self.watchlist.id):
            sink = sinks.get(name)
            if sink is None:
                continue  # a sink no longer in the watchlist: its failure stays on record
            ok, attempts, error = sink.send(Alert.from_json(data))
            self.store.record_delivery(data["id"], name, ok, attempts_before + attempts, error)
            delivered, failing = delivered + ok, failing + (not ok)
        return delivered, failing

    def _deliver(self, alert: Alert) -> None:
        for sink in self.sinks:
            ok, attempts, error = sink.send(alert)
            if ok:
                alert.delivered.append(sink.name)
            self.store.record_delivery(alert.id, sink.name, ok, attempts, error)


def _threshold_text(indicator: Indicator, level: str) -> str:
    threshold = indicator.thresholds.get(level)
    if threshold is None:
        return "no threshold reached"
    measure = indicator.measure
    what = {"occurred": "evidence", "sources": "independent sources", "count": "reports",
            "quantity": f"{measure.unit}"}[measure.kind]
    parts = [f"{what} ≥ {threshold.value:g}" if threshold.value is not None else f"any {what}"]
    parts.append(f"from ≥ {threshold.sources} independent source(s)")
    modalities = threshold.modalities or indicator.match.modalities
    parts.append("as " + "/".join(modalities))
    if threshold.credibility:
        parts.append(f"credibility ≤ {threshold.credibility}")
    return ", ".join(parts)
