"""Shared test data for the pure-domain tests: institutions, users, fixed dates and small factories."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import TypeVar

from app.domain.cases import (
    ClosureReason,
    ContactPerson,
    Goal,
    IntakeOutcome,
    IntakeRecord,
    IntakeStep,
    Measure,
    MeasureKind,
    MeasureStatus,
    NoteKind,
    ProcessNote,
    Segment,
    SharedCase,
)
from app.domain.categories import DataCategory

SOZIALDIENST = uuid.UUID("00000000-0000-0000-0000-000000000001")
RAV = uuid.UUID("00000000-0000-0000-0000-000000000002")
IV_STELLE = uuid.UUID("00000000-0000-0000-0000-000000000003")
KANTON = uuid.UUID("00000000-0000-0000-0000-000000000004")

CASEWORKER_SD = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
CASEWORKER_RAV = uuid.UUID("00000000-0000-0000-0000-0000000000a2")
PERSON = uuid.UUID("00000000-0000-0000-0000-0000000000b1")

T = TypeVar("T")

OPENED_ON = date(2025, 1, 6)
TODAY = date(2025, 6, 30)
NOW = datetime(2025, 6, 30, 10, 0, tzinfo=UTC)


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def open_case(
    *,
    lead: uuid.UUID = SOZIALDIENST,
    opened_on: date = OPENED_ON,
    today: date = TODAY,
    contact_person: ContactPerson | None = None,
    reassessment_interval_months: int = 6,
) -> SharedCase:
    return SharedCase.open(
        person_id=PERSON,
        lead_institution_id=lead,
        local_reference="SD-2025-0042",
        opened_on=opened_on,
        today=today,
        contact_person=contact_person,
        reassessment_interval_months=reassessment_interval_months,
    )


def with_rav(case: SharedCase, on: date = date(2025, 1, 20)) -> SharedCase:
    case.add_participant(RAV, "PN-778899", on, TODAY)
    return case


def segment(
    case: SharedCase,
    seg: Segment,
    on: date,
    reason: str = "",
    *,
    by: uuid.UUID = SOZIALDIENST,
    now: datetime | None = None,
) -> None:
    case.assess_segment(
        segment=seg,
        assessed_on=on,
        reason=text_note(NoteKind.SEGMENT_REASON, reason, by),
        institution_id=by,
        recorded_by=CASEWORKER_SD,
        now=now or NOW,
    )


def kurzassessment(case: SharedCase, on: date = date(2025, 1, 10), by: uuid.UUID = SOZIALDIENST) -> None:
    case.record_intake_step(
        IntakeRecord(IntakeStep.KURZASSESSMENT, IntakeOutcome.COMPLETED, on, by, "", CASEWORKER_SD, NOW),
        TODAY,
    )


def active_case() -> SharedCase:
    case = with_rav(open_case())
    kurzassessment(case)
    segment(case, Segment.VERAENDERN, date(2025, 1, 15))
    case.activate()
    return case


def new_goal(owner: uuid.UUID = SOZIALDIENST, title: str = "Stelle im ersten Arbeitsmarkt") -> Goal:
    return Goal(title=title, owner_institution_id=owner, recorded_by=CASEWORKER_SD, recorded_at=NOW)


def new_measure(
    owner: uuid.UUID = SOZIALDIENST,
    *,
    status: MeasureStatus = MeasureStatus.PLANNED,
    start_on: date | None = None,
    end_on: date | None = None,
    outcome: str = "",
    goal_id: uuid.UUID | None = None,
) -> Measure:
    return Measure(
        title="Bewerbungscoaching",
        kind=MeasureKind.JOB_COACHING,
        owner_institution_id=owner,
        recorded_by=CASEWORKER_SD,
        recorded_at=NOW,
        start_on=start_on,
        end_on=end_on,
        status=status,
        outcome=outcome,
        goal_id=goal_id,
    )


def close(
    case: SharedCase,
    reason: ClosureReason = ClosureReason.ERWERBSARBEIT,
    closed_on: date = date(2025, 3, 31),
    *,
    by: uuid.UUID | None = None,
    today: date = TODAY,
) -> None:
    author = by or case.lead_institution_id
    remaining = "Mietzinsbeitrag" if reason is ClosureReason.TEILABLOESUNG else ""
    case.close(
        reason=reason,
        closed_on=closed_on,
        note=text_note(NoteKind.CLOSURE, "  Festanstellung ab 1. April  ", author),
        institution_id=author,
        recorded_by=CASEWORKER_SD,
        today=today,
        remaining=text_note(NoteKind.REMAINING, remaining, author),
    )


def present(value: T | None) -> T:
    """The value, after asserting it is there (keeps the type checker and the reader informed)."""
    assert value is not None
    return value


def text_note(
    kind: NoteKind,
    text: str,
    by: uuid.UUID,
    category: DataCategory = DataCategory.SOZIALHILFE,
    on: date = TODAY,
) -> ProcessNote | None:
    """A free text as the service hands it to the domain: a note under its author's category."""
    if not text.strip():
        return None
    return ProcessNote(kind, text.strip(), category, by, on, CASEWORKER_SD, NOW)
