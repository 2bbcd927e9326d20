"""The consent state machine: grant, confirm, supersede, revoke, let time pass, close the case and
read, through the services, against a simple model of who may see what (a flow counts once the
institution whose data it releases recorded or confirmed the consent; only named institutions see
a consent). Run on the in-memory fakes
(tests/unit/test_consent_state_machine.py, many examples) and on both databases
(tests/integration/test_consent_state_machine.py, a few).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from app.adapters.legal_basis_file import packaged_rule_book
from app.domain.ahvn13 import Ahvn13
from app.domain.cases import ClosureReason, IntakeOutcome, IntakeStep, Segment
from app.domain.cases.closure import FOLLOW_UP_MONTHS
from app.domain.categories import DataCategory
from app.domain.consent import Flow, months
from app.domain.dates import add_months
from app.domain.errors import DomainError
from app.domain.institutions import InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.services import (
    cases,
    closure,
    consents,
    intake,
    invitations,
    participants,
    persons,
    records,
    segmentation,
)
from app.services.access.case_work import read_case
from app.services.access_config import AccessConfig
from app.services.context import LOCAL_TIME, RequestContext
from app.services.errors import ServiceError
from app.services.ports import UnitOfWork
from tests.api_helpers import SIGNED_FORM, new_ahvn13
from tests.world import World

LONG = os.environ.get("COCKPIT_LONG_STATEFUL") == "1"
CONTENT = (
    DataCategory.INTEGRATIONSPLAN,
    DataCategory.POTENZIAL,
    DataCategory.ARBEITSMARKT,
    DataCategory.GESUNDHEIT,
    DataCategory.SOZIALHILFE,
)
ACCESS = AccessConfig(rules=packaged_rule_book())
START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
# Art. 35a Abs. 1 AVG: a consent for the RAV's data counts only with Gegenrecht of the recipient.
RECIPROCITY_CATEGORIES = {DataCategory.ARBEITSMARKT, DataCategory.INTEGRATIONSPLAN, DataCategory.POTENZIAL}

steps_run = 0


def run_machine(machine: Callable[[], ConsentMachine], examples: int, steps: int, minimum_steps: int) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    global steps_run
    steps_run = 0
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(f"Zustandsmaschine: {steps_run} Schritte in {examples} Beispielen")
    assert steps_run >= minimum_steps


@dataclass
class ModelConsent:
    id: uuid.UUID
    flows: frozenset[tuple[uuid.UUID, uuid.UUID]]
    categories: frozenset[DataCategory]
    valid_until: datetime
    confirmed: set[uuid.UUID]
    replaces: ModelConsent | None = None
    ended_at: datetime | None = None  # revoked or superseded

    def active(self, now: datetime, case_end: datetime | None) -> bool:
        return self.ended_at is None and now < self.valid_until and (case_end is None or now < case_end)

    def names(self, institution_id: uuid.UUID) -> bool:
        return any(institution_id in flow for flow in self.flows)

    def owners(self) -> set[uuid.UUID]:
        return {a for a, _ in self.flows}

    def awaiting(self) -> set[uuid.UUID]:
        required = self.owners() | (self.replaces.owners() if self.replaces else set())
        return required - self.confirmed

    def settle(self, now: datetime) -> None:
        """The replaced consent ends once every owner confirmed the replacement."""
        if self.replaces is not None and not self.awaiting() and self.replaces.ended_at is None:
            self.replaces.ended_at = now


class ConsentMachine(RuleBasedStateMachine):
    def __init__(self, uow_factory: Callable[[], UnitOfWork], world: World) -> None:
        super().__init__()
        self.uow_factory = uow_factory
        self.world = world
        self.institutions = (world.sozialdienst, world.rav, world.iv)
        self.kinds = {i.id: i.kind for i in self.institutions}
        self.systems = {
            i.id: Principal(uuid.uuid4(), PrincipalKind.SYSTEM, f"system-{i.code}", i.id)
            for i in self.institutions
        }
        self.now = START
        self.consents: list[ModelConsent] = []
        self.case_end: datetime | None = None
        self.case_id = uuid.UUID(int=0)
        self.staff = {world.sozialdienst.id: "sd", world.rav.id: "rav", world.iv.id: "iv"}

    def ctx(self, institution_id: uuid.UUID) -> RequestContext:
        return RequestContext(self.systems[institution_id], "statemachine", self.now, access=ACCESS)

    @initialize()
    def open_case_with_data_of_every_institution(self) -> None:
        sd, rav, iv = (i.id for i in self.institutions)
        lead = self.ctx(sd)
        opened_on = self.now.date() - timedelta(days=30)
        person = persons.register_person(
            self.uow_factory(),
            lead,
            persons.PersonData(Ahvn13.parse(new_ahvn13()), "Muster", "Alex", date(1990, 5, 5)),
        )
        view = cases.open_case(self.uow_factory(), lead, cases.OpenCase(person.id, "SM-1", opened_on), 6)
        self.case_id = view.case.id
        for partner in (rav, iv):
            invited = participants.add_participant(
                self.uow_factory(), lead, self.case_id, None, partner, "X-1", None
            )
            invitation = invited.case.pending_invitation_for(partner)
            assert invitation is not None
            invitations.answer_invitation(
                self.uow_factory(), self.ctx(partner), self.case_id, invitation.id, invitations.Answer(True)
            )
        intake.record_intake_step(
            self.uow_factory(),
            lead,
            self.case_id,
            None,
            intake.NewIntakeStep(IntakeStep.KURZASSESSMENT, IntakeOutcome.COMPLETED, done_on=opened_on),
        )
        segmentation.assess_segment(
            self.uow_factory(), lead, self.case_id, None, Segment.VERAENDERN, opened_on, ""
        )
        segmentation.activate_case(self.uow_factory(), lead, self.case_id, None)
        for institution in (sd, rav, iv):
            for category in CONTENT:
                entry = records.NewJournalEntry(category, f"Notiz {category.value}")
                records.add_journal_entry(
                    self.uow_factory(), self.ctx(institution), self.case_id, None, entry
                )

    def count(self) -> None:
        global steps_run
        steps_run += 1

    # -- the model -------------------------------------------------------------------------------------

    def may_see(self, owner: uuid.UUID, recipient: uuid.UUID, category: DataCategory) -> bool:
        if owner == recipient:
            return True
        covering = [c for c in self.consents if self._covers(c, owner, recipient, category)]
        if not covering:
            return False
        needs_gegenrecht = (
            self.kinds[owner] is InstitutionKind.RAV
            and self.kinds[recipient] in {InstitutionKind.SOZIALDIENST, InstitutionKind.IV}
            and category in RECIPROCITY_CATEGORIES
        )
        if not needs_gegenrecht:
            return True
        return any(
            (recipient, owner) in c.flows and recipient in c.confirmed and c.active(self.now, self.case_end)
            for c in self.consents
        )

    def _covers(
        self, c: ModelConsent, owner: uuid.UUID, recipient: uuid.UUID, category: DataCategory
    ) -> bool:
        return (
            (owner, recipient) in c.flows
            and owner in c.confirmed
            and category in c.categories
            and c.active(self.now, self.case_end)
        )

    # -- rules ------------------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        categories=st.sets(st.sampled_from(CONTENT), min_size=1),
        validity=st.integers(min_value=1, max_value=24),
        replace_one=st.booleans(),
    )
    def grant(
        self, data: st.DataObject, categories: set[DataCategory], validity: int, replace_one: bool
    ) -> None:
        self.count()
        ids = [i.id for i in self.institutions]
        pairs = [(a, b) for a in ids for b in ids if a != b]
        flows = data.draw(st.sets(st.sampled_from(pairs), min_size=1, max_size=3))
        granter = data.draw(st.sampled_from(ids))
        open_ones = [c for c in self.consents if c.ended_at is None]
        replaced = data.draw(st.sampled_from(open_ones)) if replace_one and open_ones else None
        command = consents.GrantConsent(
            flows=tuple(Flow(a, b) for a, b in sorted(flows)),
            categories=frozenset(categories),
            purpose="Zustandsmaschine",
            form_version="T-1",
            collected_by_user_id=self.world.users[self.staff[granter]].id,
            collected_at=self.now,
            language="de",
            evidence_file=SIGNED_FORM,
            valid_until=self.now + months(validity),
            supersedes_id=replaced.id if replaced else None,
        )
        call = lambda: consents.grant_consent(  # noqa: E731
            self.uow_factory(), self.ctx(granter), self.case_id, command
        )
        if self.case_end is not None and self.now >= self.case_end:
            with pytest.raises(DomainError):  # the follow-up period is over: no new consents
                call()
            return
        if replaced is not None and not replaced.names(granter):
            with pytest.raises(ServiceError):  # a consent not naming the caller does not exist for it
                call()
            return
        if replaced is not None and not replaced.active(self.now, self.case_end):
            with pytest.raises(DomainError):
                call()
            return
        state = call()
        required = {a for a, _ in flows} | (replaced.owners() if replaced else set())
        added = ModelConsent(
            state.consent.id,
            frozenset(flows),
            frozenset(categories),
            self.now + months(validity),
            confirmed={granter} & required,
            replaces=replaced,
        )
        added.settle(self.now)
        self.consents.append(added)

    @precondition(lambda self: bool(self.consents))
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        self.count()
        target = data.draw(st.sampled_from(self.consents))
        owner = data.draw(st.sampled_from([i.id for i in self.institutions]))
        call = lambda: consents.confirm_consent(  # noqa: E731
            self.uow_factory(), self.ctx(owner), self.case_id, target.id
        )
        if not target.names(owner):
            with pytest.raises(ServiceError):
                call()
            return
        if not target.active(self.now, self.case_end) or owner not in target.awaiting():
            with pytest.raises(DomainError):
                call()
            return
        call()
        target.confirmed.add(owner)
        target.settle(self.now)

    @precondition(lambda self: bool(self.consents))
    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        self.count()
        target = data.draw(st.sampled_from(self.consents))
        revoker = data.draw(st.sampled_from([i.id for i in self.institutions]))
        call = lambda: consents.revoke_consent(  # noqa: E731
            self.uow_factory(), self.ctx(revoker), self.case_id, target.id, "widerrufen"
        )
        if not target.names(revoker):
            with pytest.raises(ServiceError):  # only institutions named in a flow see the consent
                call()
            return
        if target.ended_at is not None:
            with pytest.raises(DomainError):
                call()
            return
        state = call()
        assert state.status.value == "revoked"
        target.ended_at = self.now

    @rule(days=st.integers(min_value=1, max_value=400))
    def time_passes(self, days: int) -> None:
        self.count()
        self.now += timedelta(days=days)

    @precondition(lambda self: self.case_end is None)
    @rule(detachment=st.booleans())
    def close_case(self, detachment: bool) -> None:
        self.count()
        reason = ClosureReason.ERWERBSARBEIT if detachment else ClosureReason.WEGZUG
        lead = self.ctx(self.world.sozialdienst.id)
        closed_on = lead.today
        closure.close_case(self.uow_factory(), lead, self.case_id, None, reason, closed_on, "")
        self.case_end = datetime.combine(add_months(closed_on, FOLLOW_UP_MONTHS), time(0), LOCAL_TIME)

    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        self.count()
        reader = data.draw(st.sampled_from([i.id for i in self.institutions]))
        view = read_case(self.uow_factory(), self.ctx(reader), self.case_id)
        seen = {(e.author_institution_id, e.category) for e in view.journal}
        expected = {
            (owner.id, category)
            for owner in self.institutions
            for category in CONTENT
            if self.may_see(owner.id, reader, category)
        }
        assert seen == expected, view.bases
        assert not any(basis.startswith(("rule:", "break_glass:")) for basis in view.bases)

    @rule()
    def statuses_follow_the_model(self) -> None:
        self.count()
        rav = self.world.rav.id
        states = consents.list_consents(self.uow_factory(), self.ctx(rav), self.case_id)
        assert {s.consent.id for s in states} == {c.id for c in self.consents if c.names(rav)}
        in_time = {
            s.consent.id: s.status.value
            for s in states
            if s.status.value in ("active", "awaiting_confirmation")
        }
        expected = {
            c.id: "awaiting_confirmation" if c.owners() - c.confirmed else "active"
            for c in self.consents
            if c.names(rav) and c.active(self.now, self.case_end)
        }
        assert in_time == expected
