"""Request bodies for the shared case and its sub-resources."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from app.domain.cases import (
    AssessmentKind,
    ClosureReason,
    EarlyEnd,
    FollowUpResult,
    GoalProgress,
    GoalStatus,
    MeasureKind,
    MeasureStatus,
    ProgressRating,
    Segment,
)
from app.domain.categories import DataCategory
from app.domain.figures.facts import CostBearer
from app.entrypoints.api.v1.schemas.common import (
    Command,
    LongText,
    NotNull,
    OptionalShortText,
    Reference,
    ShortText,
)
from app.entrypoints.api.v1.schemas.process_in import CategoryChoice

Interval = Annotated[int, Field(ge=1, le=12, description="Monate bis zur nächsten Neubeurteilung")]


class CaseIn(Command):
    person_id: uuid.UUID
    local_reference: Reference = Field(description="Aktenzeichen der eigenen Stelle")
    opened_on: date
    contact_person_id: uuid.UUID | None = None
    reassessment_interval_months: Interval | None = None


class CasePatch(Command):
    """Fields left out stay unchanged; `contact_person_id: null` removes the contact person."""

    contact_person_id: uuid.UUID | None = None
    reassessment_interval_months: Annotated[Interval | None, NotNull] = None


class ParticipantIn(Command):
    institution_id: uuid.UUID
    local_reference: Reference
    joined_on: date | None = None


class ParticipantPatch(Command):
    local_reference: Reference


class LeadIn(Command):
    """Proposes the lead; without a hand-over note refused (rule iiz.fallfuehrung.annahme)."""

    institution_id: uuid.UUID
    contact_person_id: uuid.UUID | None = Field(
        default=None, description="Nicht mehr verwendet: die Ansprechperson nennt die empfangende Stelle"
    )
    note: LongText = Field(default="", description="Übergabenotiz")
    category: CategoryChoice = None


class SegmentIn(Command):
    segment: Segment
    assessed_on: date | None = None
    reason: LongText = ""
    category: CategoryChoice = None


class GoalIn(Command):
    title: ShortText
    description: LongText = ""
    target_on: date | None = None


class GoalPatch(Command):
    """Fields left out stay unchanged; `target_on: null` removes the target date."""

    title: Annotated[ShortText | None, NotNull] = None
    description: Annotated[LongText | None, NotNull] = None
    target_on: date | None = None
    status: Annotated[GoalStatus | None, NotNull] = None


class MeasureIn(Command):
    title: ShortText
    kind: MeasureKind
    owner_institution_id: uuid.UUID | None = None
    provider: OptionalShortText = ""
    goal_id: uuid.UUID | None = None
    start_on: date | None = None
    end_on: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    cost_bearer: CostBearer | None = None


class MeasurePatch(Command):
    """Fields left out stay unchanged; null removes a start or end date."""

    title: Annotated[ShortText | None, NotNull] = None
    provider: Annotated[OptionalShortText | None, NotNull] = None
    start_on: date | None = None
    end_on: date | None = None
    status: Annotated[MeasureStatus | None, NotNull] = None
    outcome: Annotated[LongText | None, NotNull] = None


class AssessmentIn(Command):
    kind: AssessmentKind
    assessed_on: date
    findings: LongText
    recommendation: LongText = ""
    category: DataCategory = DataCategory.POTENZIAL


class GoalProgressIn(Command):
    goal_id: uuid.UUID
    rating: ProgressRating
    comment: LongText = ""

    def to_domain(self) -> GoalProgress:
        return GoalProgress(self.goal_id, self.rating, self.comment)


class ReviewIn(Command):
    held_on: date
    summary: LongText
    progress: list[GoalProgressIn] = []
    next_review_on: date | None = None


class ConferenceIn(Command):
    held_on: date
    participant_institution_ids: Annotated[list[uuid.UUID], Field(min_length=1)]
    decisions: LongText
    category: CategoryChoice = None


class JournalEntryIn(Command):
    category: DataCategory
    text: LongText
    subject: OptionalShortText = ""
    occurred_on: date | None = None


class ClosureIn(Command):
    reason: ClosureReason
    closed_on: date | None = None
    note: LongText = ""
    remaining: LongText = Field(default="", description="Teilablösung: welche Unterstützung bleibt")
    category: CategoryChoice = None


class FollowUpStartIn(Command):
    started_on: date | None = None


class FollowUpResultIn(Command):
    result: FollowUpResult
    completed_on: date | None = None
    note: LongText = ""
    early_end: EarlyEnd | None = Field(
        default=None, description="Dokumentiertes vorzeitiges Ende (Wegzug, Tod, neue Unterstützung)"
    )
    category: CategoryChoice = None
