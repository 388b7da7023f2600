"""The escalation ladder: which stage the indicators put the situation on, with hysteresis, and why.

The situation climbs as soon as a higher stage's rule holds. It steps down only after the current stage's rule has
failed for `hysteresis.down_after_days` without a break, so one report ageing out, or one quiet day, does not make
the stage flap. The reasons name the conditions that hold and the newest evidence behind each.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redline.records import IndicatorState, StageState
from redline.watch.watchlist import Watchlist

REASON_EVIDENCE = 3  # evidence shown per reason


def ranks(watchlist: Watchlist, states: dict[str, IndicatorState]) -> dict[str, int]:
    """Indicator id → its level's place in its ladder (0 = none)."""
    return {i.id: i.levels.index(states[i.id].level) if i.id in states else 0 for i in watchlist.indicators}


def climb(watchlist: Watchlist, states: dict[str, IndicatorState], previous: StageState | None,
          as_of: datetime) -> StageState:
    levels = ranks(watchlist, states)
    ladder = watchlist.ladder
    holding = [stage for stage in ladder if watchlist.rule(stage).holds(levels)]
    candidate = holding[-1] if holding else ladder[0]
    if previous is None or candidate.level > previous.level:
        return _at(watchlist, candidate, as_of, as_of, states, levels)
    if candidate.level == previous.level:
        return _at(watchlist, candidate, previous.since, as_of, states, levels)
    # The rule of the current stage no longer holds: step down only after it has failed long enough.
    held_since = previous.held_since or as_of
    if as_of - held_since >= timedelta(days=watchlist.hysteresis.down_after_days):
        return _at(watchlist, candidate, as_of, as_of, states, levels)
    current = next(s for s in ladder if s.level == previous.level)
    until = held_since + timedelta(days=watchlist.hysteresis.down_after_days)
    reason = {"condition": f"{current.when} (no longer holds since {held_since:%Y-%m-%d %H:%M}; the stage is kept "
                           f"until {until:%Y-%m-%d %H:%M} unless it holds again)",
              "indicator": None, "level": None, "value": None, "evidence": []}
    return StageState(level=current.level, name=current.name, since=previous.since, as_of=as_of,
                      reasons=[reason, *previous.reasons], held_since=held_since)


def _at(watchlist: Watchlist, stage, since: datetime, as_of: datetime, states: dict[str, IndicatorState],
        levels: dict[str, int]) -> StageState:
    _, conditions = watchlist.rule(stage).explain(levels)
    reasons = []
    for condition in conditions:
        state = states.get(condition.indicator)
        reasons.append({
            "condition": str(condition), "indicator": condition.indicator,
            "level": state.level if state else None, "value": state.value if state else None,
            "evidence": [o.to_json() for o in (state.evidence if state else [])[:REASON_EVIDENCE]],
        })
    return StageState(level=stage.level, name=stage.name, since=since, as_of=as_of, reasons=reasons)
