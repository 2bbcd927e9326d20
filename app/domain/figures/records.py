"""The metadata one case contributes to the figures, and what a figure request asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from app.domain.cases.closure import DETACHMENT_REASONS, ClosureReason, FollowUpResult
from app.domain.cases.plan import MeasureKind
from app.domain.cases.segment import Segment
from app.domain.errors import InvalidValue
from app.domain.figures.facts import AssistanceKind, CostBearer, ResidenceStatus

NO_REGION = "ohne Sozialregion"


def cohort_of(introduced_on: date | None) -> str:
    """Einführungskohorte: the half-year in which the region introduced the DFF."""
    if introduced_on is None:
        return "ohne Einführung"
    return f"{introduced_on.year}-H{1 if introduced_on.month <= 6 else 2}"


class FigureSegment(NamedTuple):
    assessed_on: date
    segment: Segment


class FigureMeasure(NamedTuple):
    start_on: date | None
    kind: MeasureKind
    cost_bearer: CostBearer | None


_DETACHING = frozenset(reason.value for reason in DETACHMENT_REASONS)


@dataclass(slots=True)
class FigureCase:
    """One case as the figures see it: groups and dates, no content, no identifier of a person."""

    region: str
    cohort: str
    opened_on: date
    segments: tuple[FigureSegment, ...] = ()
    reassessment_interval_months: int = 6
    closed_on: date | None = None
    closure_reason: ClosureReason | None = None
    follow_up_completed_on: date | None = None
    follow_up_result: FollowUpResult | None = None
    with_rav: bool = False
    with_iv: bool = False
    residence_status: ResidenceStatus | None = None
    assistance_kind: AssistanceKind | None = None
    support_start_on: date | None = None
    support_end_on: date | None = None
    preventive: bool = False
    employed: bool | None = None
    measures: tuple[FigureMeasure, ...] = ()
    detached: bool = field(init=False)  # closed with an Ablösung

    def __post_init__(self) -> None:
        # Compared by value: hashing a str is much cheaper than hashing an enum member.
        self.detached = self.closure_reason is not None and self.closure_reason.value in _DETACHING

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def open_during(self, start: date, end: date) -> bool:
        return self.opened_on <= end and (self.closed_on is None or self.closed_on >= start)

    def segment_on(self, day: date) -> Segment | None:
        current = None
        for entry in self.segments:
            if entry.assessed_on > day:
                break
            current = entry.segment
        return current

    @property
    def duration_start(self) -> date:
        """Support starts with the recorded start of support, else with the intake."""
        return self.support_start_on or self.opened_on


@dataclass(frozen=True)
class FigureQuery:
    """A figure request: the period (inclusive) and optional filters on region and cohort."""

    period_start: date
    period_end: date
    region: str | None = None
    cohort: str | None = None

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise InvalidValue("Das Ende des Zeitraums liegt vor seinem Beginn.", "bis")

    def selects(self, case: FigureCase) -> bool:
        return (self.region is None or case.region == self.region) and (
            self.cohort is None or case.cohort == self.cohort
        )
