"""Durations with censoring: the Kaplan–Meier estimator and its quartiles.

A case still open at the end of the period (or closed without detachment) is censored: it counts
as "not yet detached" up to its last observed day and leaves the risk set after it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Observation:
    days: int
    event: bool  # True: detached after `days`; False: censored after `days`


@dataclass(frozen=True)
class SurvivalSummary:
    persons: int
    events: int
    censored: int
    q1: int | None  # days until a quarter had the event; None when the curve never gets there
    median: int | None
    q3: int | None


def kaplan_meier(observations: list[Observation]) -> list[tuple[int, Fraction]]:
    """The step function S(t) as (time, survival after time), exact in fractions."""
    events = Counter(o.days for o in observations if o.event)
    leaving = Counter(o.days for o in observations)
    at_risk = len(observations)
    survival = Fraction(1)
    steps: list[tuple[int, Fraction]] = []
    for day in sorted(leaving):
        if events[day]:
            survival *= Fraction(at_risk - events[day], at_risk)
            steps.append((day, survival))
        at_risk -= leaving[day]
    return steps


def quantile(steps: list[tuple[int, Fraction]], share: Fraction) -> int | None:
    """The smallest time at which at least `share` have had the event (S(t) <= 1 - share)."""
    for day, survival in steps:
        if survival <= 1 - share:
            return day
    return None


def summarise(observations: list[Observation]) -> SurvivalSummary:
    steps = kaplan_meier(observations)
    events = sum(1 for o in observations if o.event)
    return SurvivalSummary(
        persons=len(observations),
        events=events,
        censored=len(observations) - events,
        q1=quantile(steps, Fraction(1, 4)),
        median=quantile(steps, Fraction(1, 2)),
        q3=quantile(steps, Fraction(3, 4)),
    )
