"""Assessments, reviews, case conferences and journal entries recorded on a case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue


class CaseItem(Protocol):
    """Every data item on a case knows its category and its owning institution."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def category(self) -> DataCategory: ...

    @property
    def owner_institution_id(self) -> uuid.UUID: ...


def _require_content_category(category: DataCategory) -> None:
    if category not in CONTENT_CATEGORIES:
        raise InvalidValue(f"Die Kategorie «{category.value}» ist hier nicht zulässig.", "category")


class AssessmentKind(StrEnum):
    KURZASSESSMENT = "kurzassessment"
    PRAXISASSESSMENT = "praxisassessment"
    VPE = "vpe"  # vertiefte Potenzialerfassung

    @property
    def label(self) -> str:
        return {
            AssessmentKind.KURZASSESSMENT: "Kurzassessment",
            AssessmentKind.PRAXISASSESSMENT: "Praxisassessment",
            AssessmentKind.VPE: "Vertiefte Potenzialerfassung (vPe)",
        }[self]


@dataclass
class Assessment:
    kind: AssessmentKind
    assessed_on: date
    author_institution_id: uuid.UUID
    findings: str
    recommendation: str
    recorded_by: uuid.UUID
    recorded_at: datetime
    category: DataCategory = DataCategory.POTENZIAL
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        _require_content_category(self.category)
        if not self.findings.strip():
            raise InvalidValue("Ein Assessment braucht Erkenntnisse.", "findings")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.author_institution_id


class ProgressRating(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    AT_RISK = "at_risk"


@dataclass(frozen=True)
class GoalProgress:
    goal_id: uuid.UUID
    rating: ProgressRating
    comment: str = ""


@dataclass
class Review:
    """Standortbestimmung: progress per goal and the next review date."""

    held_on: date
    institution_id: uuid.UUID
    progress: list[GoalProgress]
    summary: str
    next_review_on: date | None
    recorded_by: uuid.UUID
    recorded_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    category = DataCategory.INTEGRATIONSPLAN

    def __post_init__(self) -> None:
        if self.next_review_on is not None and self.next_review_on <= self.held_on:
            raise InvalidValue(
                "Die nächste Standortbestimmung muss nach dieser stattfinden.", "next_review_on"
            )
        goal_ids = [p.goal_id for p in self.progress]
        if len(goal_ids) != len(set(goal_ids)):
            raise InvalidValue("Jedes Ziel darf nur einmal bewertet werden.", "progress")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id


@dataclass
class ActionItem:
    """A decision of a case conference: who does what by when (it appears in the Pendenzen)."""

    title: str
    owner_institution_id: uuid.UUID
    due_on: date
    done_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise InvalidValue("Eine Pendenz der Fallkonferenz braucht einen Titel.", "action_items")


@dataclass
class CaseConference:
    """Fallkonferenz / Round Table of the institutions: scheduled first, minutes once held."""

    held_on: date  # the planned date while scheduled
    organiser_institution_id: uuid.UUID
    participant_institution_ids: list[uuid.UUID]  # the invited institutions
    decisions: str  # empty: the minutes are a note (`minutes_note_id`); kept to read older ones
    recorded_by: uuid.UUID
    recorded_at: datetime
    category: DataCategory = DataCategory.FALLFUEHRUNG  # older conferences: the minutes' category
    scheduled: bool = False  # True until the minutes are recorded
    client_attends: bool | None = None
    action_items: list[ActionItem] = field(default_factory=list)
    agreed_goal_ids: list[uuid.UUID] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    minutes_note_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        _require_content_category(self.category)
        if not self.participant_institution_ids:
            raise InvalidValue("Eine Fallkonferenz braucht Teilnehmende.", "participant_institution_ids")
        if len(set(self.participant_institution_ids)) != len(self.participant_institution_ids):
            raise InvalidValue("Jede Stelle darf nur einmal teilnehmen.", "participant_institution_ids")
        if not self.scheduled and not self.decisions.strip() and self.minutes_note_id is None:
            raise InvalidValue("Die Beschlüsse der Fallkonferenz fehlen.", "decisions")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.organiser_institution_id


@dataclass
class JournalEntry:
    """A case note; its category is that of its content."""

    occurred_on: date
    author_institution_id: uuid.UUID
    category: DataCategory
    subject: str
    text: str
    recorded_by: uuid.UUID
    recorded_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        _require_content_category(self.category)
        if not self.text.strip():
            raise InvalidValue("Der Journaleintrag ist leer.", "text")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.author_institution_id
