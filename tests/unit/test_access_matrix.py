"""The permission matrix on the services with in-memory fakes: every use case that opens a case ×
principal × relation to the case × consent state, in milliseconds per cell.

Per cell: the outcome (allowed, 404 that looks like a missing case, 403 without the permission),
the categories a read shows, no text of withheld data in what comes back, exactly one audit event
for the call, and nothing decrypted that the caller may not see. The HTTP shape of the same cells
(status codes, headers, bodies) is checked on both databases by
tests/integration/test_authorization_matrix.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.adapters.legal_basis_file import packaged_rule_book
from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditOutcome
from app.domain.cases import AssessmentKind, MeasureKind
from app.domain.categories import DataCategory
from app.domain.consent import Flow
from app.domain.principal import Principal, PrincipalKind
from app.services import (
    assignments,
    cases,
    consents,
    documents,
    event_feed,
    invitations,
    participants,
    persons,
    plan,
    records,
    reference_directory,
)
from app.services.access.case_work import read_case
from app.services.access_config import AccessConfig
from app.services.context import RequestContext
from app.services.errors import Forbidden, NotFound
from tests.api_helpers import SIGNED_FORM, new_ahvn13
from tests.unit.fakes import FakeUnitOfWork, Store, fake_uow_factory
from tests.world import World, build_world

ACCESS = AccessConfig(rules=packaged_rule_book())
RELATIONS = ("participant", "former")
CONSENT_STATES = ("none", "active", "revoked", "expired", "other_category", "other_direction")
PRINCIPALS = ("assigned", "not_assigned", "supervisor", "system", "dpo", "other")
MARKS = {
    DataCategory.SOZIALHILFE: "MARKE-SOZIALHILFE-SD",
    DataCategory.POTENZIAL: "MARKE-POTENZIAL-SD",
    DataCategory.INTEGRATIONSPLAN: "MARKE-PLAN-SD",
}
CORE = {DataCategory.STAMMDATEN, DataCategory.FALLFUEHRUNG}


@dataclass
class Scenario:
    relation: str
    consent_state: str
    store: Store
    world: World
    case_id: uuid.UUID
    person_id: uuid.UUID
    now: datetime
    consent_id: uuid.UUID | None
    released: set[DataCategory] = field(default_factory=set)  # of the Sozialdienst's, for the RAV

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)


def _ctx(principal: Principal, now: datetime) -> RequestContext:
    return RequestContext(principal, "matrix", now, access=ACCESS)


def _build(relation: str, consent_state: str) -> Scenario:
    store = Store()
    factory = fake_uow_factory(store)
    world = build_world(factory)
    now = datetime.now(UTC)
    sd = _ctx(world.users["sd"].as_principal(), now)
    person = persons.register_person(
        factory(), sd, persons.PersonData(Ahvn13.parse(new_ahvn13()), "Matrixfall", "Alex", date(1990, 5, 5))
    )
    case_id = cases.open_case(
        factory(), sd, cases.OpenCase(person.id, "M-1", now.date() - timedelta(200)), 6
    ).case.id
    rav, sozialdienst = world.rav.id, world.sozialdienst.id
    invited = participants.add_participant(factory(), sd, case_id, None, rav, "R-1", None)
    rav_lead = _ctx(world.users["rav-lead"].as_principal(), now)
    invitation = invited.case.pending_invitation_for(rav)
    assert invitation is not None
    invitations.answer_invitation(factory(), rav_lead, case_id, invitation.id, invitations.Answer(True))
    assignments.assign_caseworker(factory(), rav_lead, case_id, world.users["rav"].id)
    goal = plan.add_goal(
        factory(), sd, case_id, None, plan.NewGoal(MARKS[DataCategory.INTEGRATIONSPLAN])
    ).goals[0]
    plan.add_measure(
        factory(), sd, case_id, None, plan.NewMeasure("Kurs", MeasureKind.COURSE, goal_id=goal.id)
    )
    records.record_assessment(
        factory(),
        sd,
        case_id,
        None,
        records.NewAssessment(
            AssessmentKind.KURZASSESSMENT, now.date() - timedelta(100), MARKS[DataCategory.POTENZIAL]
        ),
    )
    records.add_journal_entry(
        factory(),
        sd,
        case_id,
        None,
        records.NewJournalEntry(DataCategory.SOZIALHILFE, MARKS[DataCategory.SOZIALHILFE]),
    )
    consent_id, released = None, set()

    def grant(flow: Flow, category: DataCategory, until: datetime | None = None) -> uuid.UUID:
        command = consents.GrantConsent(
            flows=(flow,),
            categories=frozenset({category}),
            purpose="Koordination im DFF",
            form_version="DFF-EW-2025.1",
            collected_by_user_id=world.users["sd"].id,
            collected_at=now - timedelta(minutes=5),
            language="de",
            evidence_file=SIGNED_FORM,
            valid_until=until,
        )
        return consents.grant_consent(factory(), sd, case_id, command).consent.id

    if consent_state in ("active", "revoked", "expired"):
        until = now + timedelta(days=1) if consent_state == "expired" else None
        consent_id = grant(Flow(sozialdienst, rav), DataCategory.POTENZIAL, until)
        released = {DataCategory.POTENZIAL} if consent_state == "active" else set()
    elif consent_state == "other_category":
        consent_id = grant(Flow(sozialdienst, rav), DataCategory.INTEGRATIONSPLAN)
        released = {DataCategory.INTEGRATIONSPLAN}
    elif consent_state == "other_direction":
        consent_id = grant(Flow(rav, sozialdienst), DataCategory.POTENZIAL)
    if consent_state == "revoked":
        assert consent_id is not None
        consents.revoke_consent(factory(), sd, case_id, consent_id, "Am Schalter widerrufen.")
    if consent_state == "expired":
        now += timedelta(days=2)
    if relation == "former":
        participants.remove_participant(factory(), sd, case_id, None, rav, None)
        released = set()
    return Scenario(relation, consent_state, store, world, case_id, person.id, now, consent_id, released)


def _principals(world: World) -> dict[str, Principal]:
    return {
        "assigned": world.users["rav"].as_principal(),
        "not_assigned": world.users["rav-colleague"].as_principal(),
        "supervisor": world.users["rav-lead"].as_principal(),
        "system": Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "rav-system", world.rav.id),
        "dpo": world.users["dpo"].as_principal(),
        "other": world.users["olten-lead"].as_principal(),
    }


def _may_open(who: str, scenario: Scenario) -> bool:
    return scenario.relation == "participant" and who in ("assigned", "supervisor", "system")


# -- the use cases that open a case, as (uow, ctx, scenario) -> result -------------------------------


def _journal(uow: FakeUnitOfWork, ctx: RequestContext, s: Scenario) -> Any:
    return records.add_journal_entry(
        uow, ctx, s.case_id, None, records.NewJournalEntry(DataCategory.ARBEITSMARKT, "Bewerbungen geprüft")
    )


USE_CASES: dict[str, Callable[[FakeUnitOfWork, RequestContext, Scenario], Any]] = {
    "read_case": lambda uow, ctx, s: read_case(uow, ctx, s.case_id),
    "add_journal_entry": _journal,
    "list_consents": lambda uow, ctx, s: consents.list_consents(uow, ctx, s.case_id),
    "list_documents": lambda uow, ctx, s: documents.list_documents(uow, ctx, s.case_id),
    "list_assignments": lambda uow, ctx, s: assignments.list_assignments(uow, ctx, s.case_id),
    "dossier_holders": lambda uow, ctx, s: reference_directory.dossier_holders(uow, ctx, s.person_id),
}
WRITES = {"add_journal_entry"}

SCENARIOS = [(relation, state) for relation in RELATIONS for state in CONSENT_STATES]
_built: dict[tuple[str, str], Scenario] = {}


def _scenario(relation: str, state: str) -> Scenario:
    """Built once per (relation, consent state); each cell then works on a copy of its store."""
    if (relation, state) not in _built:
        _built[(relation, state)] = _build(relation, state)
    original = _built[(relation, state)]
    import copy

    return Scenario(
        original.relation,
        original.consent_state,
        copy.deepcopy(original.store),
        original.world,
        original.case_id,
        original.person_id,
        original.now,
        original.consent_id,
        set(original.released),
    )


def _expected(use_case: str, who: str, scenario: Scenario) -> type[Exception] | None:
    if who == "dpo":
        return Forbidden  # no permission for case work at all
    if not _may_open(who, scenario):
        return NotFound
    return None


@pytest.mark.parametrize(("relation", "consent_state"), SCENARIOS)
@pytest.mark.parametrize("who", PRINCIPALS)
@pytest.mark.parametrize("use_case", sorted(USE_CASES))
def test_every_cell_of_the_matrix(relation: str, consent_state: str, who: str, use_case: str) -> None:
    scenario = _scenario(relation, consent_state)
    principal = _principals(scenario.world)[who]
    ctx = _ctx(principal, scenario.now)
    before = len(scenario.store.audit)
    uow = scenario.uow()
    expected = _expected(use_case, who, scenario)
    if expected is not None:
        with pytest.raises(expected):
            USE_CASES[use_case](uow, ctx, scenario)
    else:
        result = USE_CASES[use_case](uow, ctx, scenario)
        if use_case == "read_case":
            shown = {DataCategory(c) for c in result.allowed} - {DataCategory.ARBEITSMARKT}
            assert shown == CORE | scenario.released, (shown, scenario.released)
            assert DataCategory.SOZIALHILFE in result.withheld
    events = scenario.store.audit[before:]
    assert len(events) == 1, [e.operation for e in events]
    event = events[0]
    assert event.outcome is (AuditOutcome.ALLOWED if expected is None else AuditOutcome.DENIED)
    withheld_marks = [m for c, m in MARKS.items() if c not in scenario.released]
    if expected is None:
        text = repr(result)
        assert not any(mark in text for mark in withheld_marks), "withheld data in the answer"
    decrypted = uow.cases.opened
    if use_case not in WRITES:  # a change opens the whole case in memory; a read only what it may show
        opened_categories = {
            item.category
            for item in (
                scenario.store.cases[scenario.case_id].journal
                + scenario.store.cases[scenario.case_id].assessments
            )
            if item.id in decrypted and item.owner_institution_id == scenario.world.sozialdienst.id
        }
        assert opened_categories <= scenario.released, "decrypted what the caller may not see"


@pytest.mark.parametrize("who", PRINCIPALS)
def test_the_event_feed_tells_only_those_who_may_open_the_case(who: str) -> None:
    scenario = _scenario("participant", "active")
    ctx = _ctx(_principals(scenario.world)[who], scenario.now)
    if who == "dpo":
        with pytest.raises(Forbidden):
            event_feed.read_feed(scenario.uow(), ctx, None, 50)
        return
    page = event_feed.read_feed(scenario.uow(), ctx, None, 50)
    mine = [e for e in page.events if e["case_id"] == str(scenario.case_id)]
    if _may_open(who, scenario):
        assert mine
        seen = {c for e in mine for c in e["categories"]}  # type: ignore[attr-defined]
        assert DataCategory.SOZIALHILFE.value not in seen
    else:
        assert mine == []
