"""Use cases recording assessments, reviews, case conferences and journal entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from app.domain.cases import (
    Assessment,
    AssessmentKind,
    CaseConference,
    GoalProgress,
    JournalEntry,
    NoteKind,
    Review,
    SharedCase,
)
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.services.access.case_work import CaseChange, change_case
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.free_texts import author_note
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class NewAssessment:
    kind: AssessmentKind
    assessed_on: date
    findings: str
    recommendation: str = ""
    category: DataCategory = DataCategory.POTENZIAL


def record_assessment(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewAssessment,
) -> CaseView:
    """A participating institution records an assessment it carried out."""

    def mutate(case: SharedCase) -> CaseChange:
        assessment = Assessment(
            kind=new.kind,
            assessed_on=new.assessed_on,
            author_institution_id=ctx.principal.institution_id,
            findings=new.findings.strip(),
            recommendation=new.recommendation.strip(),
            category=new.category,
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
        )
        case.record_assessment(assessment, ctx.today)
        return CaseChange(
            (assessment.category,),
            (assessment.id,),
        )

    return change_case(uow, ctx, case_id, expected_version, "assessments.record", mutate)


@dataclass(frozen=True)
class NewReview:
    held_on: date
    summary: str
    progress: list[GoalProgress] = field(default_factory=list)
    next_review_on: date | None = None


def record_review(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewReview,
) -> CaseView:
    """A participating institution records a Standortbestimmung."""

    def mutate(case: SharedCase) -> CaseChange:
        review = Review(
            held_on=new.held_on,
            institution_id=ctx.principal.institution_id,
            progress=list(new.progress),
            summary=new.summary.strip(),
            next_review_on=new.next_review_on,
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
        )
        case.record_review(review, ctx.today)
        return CaseChange((review.category,), (review.id,))

    return change_case(uow, ctx, case_id, expected_version, "reviews.record", mutate)


@dataclass(frozen=True)
class NewConference:
    held_on: date
    participant_institution_ids: list[uuid.UUID]
    decisions: str
    category: DataCategory | None = None  # of the minutes, chosen by the author; default the own


def record_conference(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewConference,
) -> CaseView:
    """A participating institution records the minutes of a Fallkonferenz it organised."""

    def mutate(case: SharedCase) -> CaseChange:
        if not new.decisions.strip():
            raise InvalidValue("Die Beschlüsse der Fallkonferenz fehlen.", "decisions")
        minutes = author_note(uow, ctx, NoteKind.MINUTES, new.decisions, new.category)
        conference = CaseConference(
            held_on=new.held_on,
            organiser_institution_id=ctx.principal.institution_id,
            participant_institution_ids=list(new.participant_institution_ids),
            decisions="",
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
            minutes_note_id=minutes.id,
        )
        case.record_conference(conference, ctx.today, minutes)
        return CaseChange((conference.category, minutes.category), (conference.id, minutes.id))

    return change_case(uow, ctx, case_id, expected_version, "conferences.record", mutate)


@dataclass(frozen=True)
class NewJournalEntry:
    category: DataCategory
    text: str
    subject: str = ""
    occurred_on: date | None = None


def add_journal_entry(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewJournalEntry,
) -> CaseView:
    """A participating institution writes a case note under the category of its content."""

    def mutate(case: SharedCase) -> CaseChange:
        entry = JournalEntry(
            occurred_on=new.occurred_on or ctx.today,
            author_institution_id=ctx.principal.institution_id,
            category=new.category,
            subject=new.subject.strip(),
            text=new.text.strip(),
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
        )
        case.add_journal_entry(entry, ctx.today)
        return CaseChange((entry.category,), (entry.id,))

    return change_case(uow, ctx, case_id, expected_version, "journal.add", mutate)
