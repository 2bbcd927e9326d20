"""Integrationsplan: goals and the measures that serve them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.domain.figures.facts import CostBearer


class GoalStatus(StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class MeasureKind(StrEnum):
    COURSE = "course"  # Kurs
    JOB_COACHING = "job_coaching"
    PRACTICAL_PLACEMENT = "practical_placement"  # Praktikum / Einsatzplatz
    IV_VOCATIONAL = "iv_vocational"  # berufliche Massnahme der IV
    IV_EARLY_INTERVENTION = "iv_early_intervention"
    LABOUR_MARKET = "labour_market"  # arbeitsmarktliche Massnahme (AMM) des RAV
    SOCIAL_INTEGRATION = "social_integration"
    OTHER = "other"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ENDED_BY_CLOSURE = "ended_by_closure"
    ENDED_BY_LEAVING = "ended_by_leaving"  # its institution left the case

    @property
    def is_settled(self) -> bool:
        """Set by the process (closure, leaving), never chosen by a caller."""
        return self in (MeasureStatus.ENDED_BY_CLOSURE, MeasureStatus.ENDED_BY_LEAVING)

    @property
    def is_open(self) -> bool:
        return self in (MeasureStatus.PLANNED, MeasureStatus.RUNNING)


@dataclass
class Goal:
    title: str
    owner_institution_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime
    description: str = ""
    target_on: date | None = None
    status: GoalStatus = GoalStatus.OPEN
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    category = DataCategory.INTEGRATIONSPLAN

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidValue("Ein Ziel braucht einen Titel.", "title")


@dataclass
class Measure:
    title: str
    kind: MeasureKind
    owner_institution_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime
    provider: str = ""
    goal_id: uuid.UUID | None = None
    start_on: date | None = None
    end_on: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    outcome: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    cost_bearer: CostBearer | None = None  # Kostenträger, also counted in the steering figures
    # Planned for another institution: a proposal, owned by the proposer until that institution accepts.
    proposed_to: uuid.UUID | None = None

    category = DataCategory.INTEGRATIONSPLAN

    def __post_init__(self) -> None:
        self.validate()

    @property
    def due_on(self) -> date | None:
        """When the measure is due to end (its Pendenz date)."""
        return self.end_on if self.status.is_open else None

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidValue("Eine Massnahme braucht einen Titel.", "title")
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise InvalidValue("Das Ende der Massnahme liegt vor ihrem Beginn.", "end_on")
        if self.status is MeasureStatus.RUNNING and self.start_on is None:
            raise InvalidValue("Eine laufende Massnahme braucht ein Startdatum.", "start_on")

    def settle_on_closure(
        self,
        closed_on: date,
        outcome: str = "Durch den Fallabschluss beendet.",
        status: MeasureStatus = MeasureStatus.ENDED_BY_CLOSURE,
    ) -> None:
        """The owner's closure (or its leaving the case) ends its measures still planned or running."""
        if not self.status.is_open:
            return
        self.status = status
        if self.start_on is not None and self.start_on > closed_on:
            self.start_on = None  # never began
        if self.end_on is None or self.end_on > closed_on:
            self.end_on = closed_on if self.start_on is not None else None
        if not self.outcome:
            self.outcome = outcome
