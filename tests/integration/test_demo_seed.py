"""`cockpit demo seed`: a dozen DFF cases over the pilot regions, written once and only once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.models import AuditEventRow, CaseItemRow, CaseRow, PersonRow, UserRow
from app.adapters.unit_of_work import SqlUnitOfWork
from app.demo.directory import INSTITUTIONS, PILOT_REGIONS, USERS, WASSERAMT, stable_id
from app.demo.seed import (
    SeedReport,
    seed_demo,
)
from app.domain.cases import CasePhase, Segment, SharedCase
from app.domain.cases.listing import CaseFilter
from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Role
from app.services.cases import list_cases
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork
from tests.conftest import database_with_demo
from tests.databases import DatabaseFactory

pytestmark = pytest.mark.integration

UowFactory = Callable[[], UnitOfWork]

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TODAY = NOW.date()

PILOT_REGION_NAMES = {
    "Sozialregion Wasseramt",
    "Sozialregion Biberist-Bucheggberg-Lohn-Ammannsegg",
    "Sozialregion Oberer Leberberg",
    "Sozialregion Untergäu",
    "Sozialregion Olten",
}


@pytest.fixture
def seeded_uow_factory(databases: DatabaseFactory, vault: Vault) -> Iterator[UowFactory]:
    """Units of work on a database of this test's own that holds the demo seeded at NOW."""
    with database_with_demo(databases, vault, NOW) as url:
        engine = make_engine(url)
        session_factory = make_session_factory(engine)
        try:
            yield lambda: SqlUnitOfWork(session_factory, vault=vault)
        finally:
            engine.dispose()


def _institutions(uow_factory: UowFactory) -> dict[uuid.UUID, Institution]:
    with uow_factory() as uow:
        return {i.id: i for i in uow.institutions.list()}


def _all_cases(uow_factory: UowFactory) -> list[SharedCase]:
    """Every case, found through the institutions working on it (the lead always does)."""
    case_ids: set[uuid.UUID] = set()
    with uow_factory() as uow:
        for institution in uow.institutions.list():
            cursor = None
            while True:
                page = uow.cases.page_for_institution(institution.id, CaseFilter(), cursor, 100)
                case_ids.update(summary.id for summary in page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
        found = [uow.cases.get(case_id) for case_id in case_ids]
    return [case for case in found if case is not None]


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            row.__tablename__: connection.scalar(select(func.count()).select_from(row)) or 0
            for row in (PersonRow, UserRow, CaseRow, CaseItemRow, AuditEventRow)
        }


@pytest.mark.parametrize(
    "now",
    [NOW, datetime(2026, 8, 31, 23, 0, tzinfo=UTC), datetime(2028, 2, 29, 7, 0, tzinfo=UTC)],
    ids=["mid-year", "month-end", "leap-day"],
)
def test_seeding_builds_a_dozen_cases_over_all_phases_segments_and_pilot_regions(
    uow_factory: UowFactory, now: datetime
) -> None:
    report = seed_demo(uow_factory, now)

    cases = _all_cases(uow_factory)
    institutions = _institutions(uow_factory)
    assert report.cases_created == report.persons_created == len(cases)
    assert 12 <= len(cases) <= 15  # one of them a second registration of a client (Olten)
    assert report.institutions_created == len(INSTITUTIONS) == len(institutions)
    assert report.users_created == len(USERS)
    assert {case.phase for case in cases} == set(CasePhase)
    assert {case.current_segment for case in cases} >= set(Segment)

    kinds = {i.id: i.kind for i in institutions.values()}
    leads = [institutions[case.lead_institution_id] for case in cases]
    assert {lead.name for lead in leads} == PILOT_REGION_NAMES
    assert {lead.code for lead in leads} == set(PILOT_REGIONS)
    assert sum(lead.code == WASSERAMT for lead in leads) >= 5
    partners = [{kinds[p.institution_id] for p in case.active_participations} for case in cases]
    assert sum(InstitutionKind.RAV in kinds_ for kinds_ in partners) >= 4
    assert sum(InstitutionKind.IV in kinds_ for kinds_ in partners) >= 3
    assert sum({InstitutionKind.RAV, InstitutionKind.IV} <= kinds_ for kinds_ in partners) >= 2

    today = now.date()
    active = [case for case in cases if case.phase is CasePhase.ACTIVE]
    assert sum(case.is_reassessment_due(today) for case in active) >= 3
    assert sum(not case.is_reassessment_due(today) for case in active) >= 2


def test_cases_have_consistent_dates_segment_changes_and_follow_ups(seeded_uow_factory: UowFactory) -> None:
    cases = _all_cases(seeded_uow_factory)

    for case in cases:
        dates = [p.joined_on for p in case.participations]
        dates += [s.assessed_on for s in case.segment_history]
        dates += [a.assessed_on for a in case.assessments] + [r.held_on for r in case.reviews]
        dates += [c.held_on for c in case.conferences] + [j.occurred_on for j in case.journal]
        if case.closure is not None:
            dates.append(case.closure.closed_on)
        assert all(case.opened_on <= on <= TODAY for on in dates), case.id
        assert case.contact_person is not None
        assert case.contact_person.institution_id == case.lead_institution_id

    changes = [
        later
        for case in cases
        for earlier, later in zip(case.segment_history, case.segment_history[1:], strict=False)
        if earlier.segment != later.segment
    ]
    assert len(changes) >= 3
    assert all(change.reason_note_id and case_note(cases, change.reason_note_id) for change in changes)

    pending = [
        case
        for case in cases
        if case.phase is CasePhase.CLOSED
        and case.closure is not None
        and case.closure.reason.is_detachment
        and case.follow_up is not None
        and case.follow_up.completed_on is None
    ]
    assert pending
    completed = [
        case
        for case in cases
        if case.phase is CasePhase.ARCHIVED
        and case.follow_up is not None
        and case.follow_up.result is not None
    ]
    assert completed


def test_a_second_run_changes_nothing(uow_factory: UowFactory, engine: Engine) -> None:
    first = seed_demo(uow_factory, NOW)
    counts = _row_counts(engine)

    second = seed_demo(uow_factory, NOW)

    assert second == SeedReport(
        institutions_present=first.institutions_created,
        users_present=first.users_created,
        persons_present=first.persons_created,
        cases_present=first.cases_created,
    )
    assert second.created_total == 0
    assert _row_counts(engine) == counts
    assert "Nichts geändert" in second.summary()
    assert "Fälle" in first.summary()


def test_demo_users_exist_with_their_roles_and_stable_ids(seeded_uow_factory: UowFactory) -> None:

    with seeded_uow_factory() as uow:
        users = {user.username: user for user in uow.users.list()}
        codes = {i.id: i.code for i in uow.institutions.list()}
        wasseramt = uow.institutions.by_code(WASSERAMT)

    expected = {
        "demo-sd": ("SD-WASSERAMT", {Role.CASEWORKER}),
        "demo-rav": ("RAV-SOLOTHURN", {Role.CASEWORKER}),
        "demo-iv": ("IV-SO", {Role.CASEWORKER}),
        "demo-lead": ("SD-WASSERAMT", {Role.SUPERVISOR, Role.CASEWORKER}),
        "demo-dpo": ("KANTON-AGS", {Role.DPO}),
        "sd-olten": ("SD-OLTEN", {Role.CASEWORKER}),
        "sd-bbla": ("SD-BBLA", {Role.CASEWORKER}),
        "sd-oberer-leberberg": ("SD-OBERER-LEBERBERG", {Role.CASEWORKER}),
        "sd-untergaeu": ("SD-UNTERGAEU", {Role.CASEWORKER}),
    }
    for username, (code, roles) in expected.items():
        user = users[username]
        assert codes[user.institution_id] == code
        assert user.roles == roles
        assert user.id == stable_id("user", username)
        assert user.active
    assert wasseramt is not None
    assert wasseramt.id == stable_id("institution", WASSERAMT)


def test_demo_users_see_their_cases_through_the_services(seeded_uow_factory: UowFactory) -> None:
    with seeded_uow_factory() as uow:
        users = {user.username: user for user in uow.users.list()}

    def visible(username: str) -> list[str | None]:
        ctx = RequestContext(users[username].as_principal(), "test", NOW)
        return [
            item.display_name for item in list_cases(seeded_uow_factory(), ctx, CaseFilter(), None, 100).items
        ]

    assert len(visible("demo-sd")) >= 4  # the cases assigned to her
    assert len(visible("demo-lead")) > len(visible("demo-sd"))  # the supervisor sees all of Wasseramt
    assert all(visible("demo-lead"))  # the lead sees the Stammdaten of its clients
    assert len(visible("demo-rav")) >= 4
    assert len(visible("demo-iv")) >= 3
    with pytest.raises(Forbidden):  # the DPO reviews the audit log, never case data
        visible("demo-dpo")


def test_demo_shows_every_state_of_the_iiz_process(seeded_uow_factory: UowFactory) -> None:
    cases = _all_cases(seeded_uow_factory)
    assert any(c.pending_invitations() for c in cases), "eine offene Einladung"
    assert any(c.is_reassessment_due(TODAY) for c in cases), "eine überfällige Neubeurteilung"
    assert any(
        item.done_on is None and not conference.scheduled
        for c in cases
        for conference in c.conferences
        for item in conference.action_items
    ), "eine Fallkonferenz mit offenen Pendenzen"
    with seeded_uow_factory() as uow:
        body = stable_id("institution", WASSERAMT)
        statuses = {r.status.value for r in uow.referrals.involving(body)}
    assert {"submitted", "at_clearing"} <= statuses, "Zuweisungen wartend und bei der Schlichtungsstelle"


def case_note(cases: list[SharedCase], note_id: uuid.UUID) -> str:
    return next(n.text for case in cases for n in case.notes if n.id == note_id)
