"""The case repository: faithful round trips, lost-update protection, no lazy loading."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import InvalidRequestError

from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseRow
from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.domain.cases import (
    Assessment,
    AssessmentKind,
    CaseConference,
    ClosureReason,
    Goal,
    GoalProgress,
    IntakeOutcome,
    IntakeRecord,
    IntakeStep,
    JournalEntry,
    Measure,
    MeasureKind,
    MeasureStatus,
    NoteKind,
    ProcessNote,
    ProgressRating,
    Review,
    Segment,
    SharedCase,
)
from app.domain.categories import DataCategory
from app.domain.errors import StaleVersion
from app.domain.persons import Address, Person
from app.services.ports import UnitOfWork
from tests.world import World

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TODAY = NOW.date()


def _person(world: World) -> Person:
    body = f"756{uuid.uuid4().int % 10**9:09d}"
    return Person(
        ahvn13=Ahvn13(body + str(ean13_check_digit(body))),
        family_name="Brunner",
        given_name="Lina",
        birth_date=date(1979, 5, 4),
        address=Address("Hauptstrasse 1", "4500", "Solothurn"),
        phone="+41 32 000 00 00",
        email="lina@example.ch",
        registered_by_institution_id=world.sozialdienst.id,
    )


def _full_case(world: World, person: Person) -> SharedCase:
    sd, rav, by = world.sozialdienst.id, world.rav.id, world.users["sd"].id
    case = SharedCase.open(
        person_id=person.id,
        lead_institution_id=sd,
        local_reference="SD-77",
        opened_on=date(2025, 9, 1),
        today=TODAY,
    )
    case.add_participant(rav, "RAV-9", date(2025, 9, 15), TODAY)
    case.assess_segment(
        segment=Segment.ORIENTIEREN,
        assessed_on=date(2025, 9, 20),
        reason=None,
        institution_id=sd,
        recorded_by=by,
        now=NOW,
    )
    case.record_intake_step(
        IntakeRecord(
            IntakeStep.KURZASSESSMENT, IntakeOutcome.COMPLETED, date(2025, 9, 18), sd, "ok", by, NOW
        ),
        TODAY,
    )
    case.activate()
    goal = case.add_goal(Goal("Arbeit finden", sd, by, NOW, "im Detailhandel", date(2026, 12, 31)))
    case.add_measure(
        Measure("Coaching", MeasureKind.JOB_COACHING, sd, by, NOW, "Regiomech", goal.id, date(2025, 10, 1))
    )
    case.record_assessment(
        Assessment(AssessmentKind.VPE, date(2025, 10, 5), sd, "belastbar", "Praktikum", by, NOW), TODAY
    )
    case.record_review(
        Review(
            date(2026, 1, 10),
            sd,
            [GoalProgress(goal.id, ProgressRating.DELAYED, "Krankheit")],
            "ok",
            date(2026, 4, 1),
            by,
            NOW,
        ),
        TODAY,
    )
    minutes = ProcessNote(NoteKind.MINUTES, "RAV übernimmt", DataCategory.SOZIALHILFE, sd, TODAY, by, NOW)
    conference = CaseConference(date(2026, 2, 1), sd, [sd, rav], "", by, NOW, minutes_note_id=minutes.id)
    case.record_conference(conference, TODAY, minutes)
    case.add_journal_entry(
        JournalEntry(date(2026, 2, 2), rav, DataCategory.ARBEITSMARKT, "Bew.", "3 Bewerbungen", by, NOW),
        TODAY,
    )
    case.close(
        reason=ClosureReason.ERWERBSARBEIT,
        closed_on=date(2026, 5, 1),
        note=ProcessNote(NoteKind.CLOSURE, "Stelle", DataCategory.SOZIALHILFE, sd, TODAY, by, NOW),
        institution_id=sd,
        recorded_by=by,
        today=TODAY,
    )
    return case


def test_a_full_case_reads_back_exactly_as_written(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    person = _person(world)
    case = _full_case(world, person)
    with uow_factory() as uow:
        uow.persons.add(person)
        uow.cases.add(case)
    with uow_factory() as uow:
        loaded = uow.cases.get(case.id)
        loaded_person = uow.persons.get(person.id)
    assert loaded == case
    assert loaded_person == person
    assert loaded is not None and loaded.measures[0].status is MeasureStatus.ENDED_BY_CLOSURE


def _stored_case(uow_factory: Callable[[], UnitOfWork], world: World) -> SharedCase:
    person = _person(world)
    case = SharedCase.open(
        person_id=person.id,
        lead_institution_id=world.sozialdienst.id,
        local_reference="A",
        opened_on=TODAY,
        today=TODAY,
    )
    with uow_factory() as uow:
        uow.persons.add(person)
        uow.cases.add(case)
    return case


def test_concurrent_saves_of_the_same_case_lose_no_update(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    case = _stored_case(uow_factory, world)

    first, second = uow_factory(), uow_factory()
    with pytest.raises(StaleVersion), first:  # the lost race ends the first transaction
        mine = first.cases.get(case.id)
        with second:
            theirs = second.cases.get(case.id)
            assert mine is not None and theirs is not None
            theirs.set_reassessment_interval(3)
            second.cases.save(theirs)
        mine.set_reassessment_interval(4)
        first.cases.save(mine)

    with uow_factory() as uow:
        stored = uow.cases.get(case.id)
    assert stored is not None
    assert (stored.version, stored.reassessment_interval_months) == (2, 3)


def test_relationships_never_load_lazily(
    engine: Engine, uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    case = _stored_case(uow_factory, world)
    with make_session_factory(engine)() as session:
        row = session.scalars(select(CaseRow).where(CaseRow.id == case.id)).one()
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            _ = row.items
