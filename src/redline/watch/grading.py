"""Source grading after the Admiralty (NATO) code: source reliability A–F, information credibility 1–6.

Reliability is the analyst's judgement of an outlet, read from the watchlist's table (F, "cannot be judged", for an
outlet not in it). Credibility is read from the evidence itself:

    1 confirmed        reported as fact by two or more independent sources, one of them first-hand
    2 probably true    two or more independent sources, all at second hand; or one first-hand source
    3 possibly true    one source, at second hand ("reportedly", "according to")
    4 doubtful         as many independent sources deny it as report it
    5 improbable       more independent sources deny it than report it
    6 cannot be judged nobody reports it as fact: only plans, considerations, fears, threats

Independent sources are outlets, with wire copies counted for the outlet they copy; a denial lowers any grade by one.
"""

from __future__ import annotations

from collections.abc import Iterable

from redline.records import Observation
from redline.watch.watchlist import RELIABILITY

FACTUAL = ("asserted", "reported")


def credibility(support: list[Observation], counter: list[Observation]) -> int:
    reporting = {o.source for o in support if o.modality in FACTUAL}
    first_hand = {o.source for o in support if o.modality == "asserted" and not o.hearsay}
    denying = {o.source for o in counter}
    if not reporting:
        return 6
    if len(denying) > len(reporting):
        return 5
    if len(denying) == len(reporting):
        return 4
    if len(reporting) >= 2:
        grade = 1 if first_hand else 2
    else:
        grade = 2 if first_hand else 3
    return min(grade + 1, 4) if denying else grade


def best_reliability(letters: Iterable[str]) -> str:
    return min(letters, key=RELIABILITY.index, default="F")
