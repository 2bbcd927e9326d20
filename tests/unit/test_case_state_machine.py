"""Random sequences of operations on one SharedCase never break its invariants.

Every rule calls the domain; a refusal must be a DomainError (anything else is a bug), and where
the outcome is easy to predict the rule also checks that the domain accepted or refused as expected.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app.domain.cases import (
    CasePhase,
    ClosureReason,
    ContactPerson,
    EarlyEnd,
    FollowUpResult,
    Goal,
    IntakeOutcome,
    IntakeRecord,
    IntakeStep,
    Invitation,
    InvitationKind,
    InvitationStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    NoteKind,
    ProcessNote,
    Segment,
    SharedCase,
)
from app.domain.cases.phase import TRANSITIONS
from app.domain.categories import DataCategory
from app.domain.errors import DomainError

from .builders import IV_STELLE, KANTON, PERSON, RAV, SOZIALDIENST, at_noon, text_note

INSTITUTIONS = (SOZIALDIENST, RAV, IV_STELLE, KANTON)
USER_OF = {institution: uuid.UUID(int=0xA000 + i) for i, institution in enumerate(INSTITUTIONS)}
OPENED_ON = date(2024, 1, 8)

institutions = st.sampled_from(INSTITUTIONS)
# Relative to the machine's `today`: mostly in the past, sometimes before opening, sometimes in the future.
day_offsets = st.integers(min_value=-45, max_value=2)


class SharedCaseMachine(RuleBasedStateMachine):
    case: SharedCase

    def __init__(self) -> None:
        super().__init__()
        self.today = OPENED_ON + timedelta(days=30)  # dates up to a month back are after the opening
        self.phase_seen = CasePhase.INTAKE

    # -- helpers ------------------------------------------------------------------------------------------

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def attempt(self, action: Callable[[], object]) -> bool:
        """True if the domain accepted; a DomainError is a refusal; anything else propagates."""
        try:
            action()
        except DomainError as refusal:
            assert refusal.message.strip(), "a refusal needs a (German) message"
            return False
        return True

    def date_ok(self, on: date) -> bool:
        return self.case.opened_on <= on <= self.today

    # -- setup --------------------------------------------------------------------------------------------

    @initialize(lead=institutions, with_contact=st.booleans())
    def open_case(self, lead: uuid.UUID, with_contact: bool) -> None:
        self.case = SharedCase.open(
            person_id=PERSON,
            lead_institution_id=lead,
            local_reference="AZ-0001",
            opened_on=OPENED_ON,
            today=self.today,
            contact_person=ContactPerson(USER_OF[lead], lead) if with_contact else None,
        )
        self.phase_seen = self.case.phase

    # -- rules --------------------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=120))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(institution=institutions, offset=day_offsets)
    def add_participant(self, institution: uuid.UUID, offset: int) -> None:
        on = self.day(offset)
        expected = (
            self.case.phase is not CasePhase.ARCHIVED
            and not self.case.is_participant(institution)
            and self.date_ok(on)
            and all(  # a re-join never reaches back before the institution's last leaving
                p.left_on is None or on >= p.left_on
                for p in self.case.participations
                if p.institution_id == institution
            )
        )
        accepted = self.attempt(lambda: self.case.add_participant(institution, "AZ-X", on, self.today))
        assert accepted == expected
        if accepted:
            assert self.case.is_participant(institution)

    @precondition(lambda self: len(self.case.active_participations) > 1)
    @rule(data=st.data(), offset=day_offsets)
    def remove_non_lead_participant(self, data: st.DataObject, offset: int) -> None:
        others = [p.institution_id for p in self.case.active_participations]
        others.remove(self.case.lead_institution_id)
        institution = data.draw(st.sampled_from(others), label="leaving")
        on = self.day(offset)
        participation = self.case.participation_of(institution)
        assert participation is not None
        expected = (
            self.case.phase is not CasePhase.ARCHIVED and on <= self.today and on >= participation.joined_on
        )
        accepted = self.attempt(lambda: self.case.remove_participant(institution, on, self.today))
        assert accepted == expected
        assert self.case.is_participant(institution) != accepted

    @rule(offset=day_offsets)
    def lead_tries_to_leave(self, offset: int) -> None:
        lead = self.case.lead_institution_id
        accepted = self.attempt(lambda: self.case.remove_participant(lead, self.day(offset), self.today))
        assert not accepted
        assert self.case.is_participant(lead)

    @rule(institution=institutions, contact=st.sampled_from(["none", "of_new_lead", "of_other"]))
    # the domain's own transfer of the lead, as an accepted lead invitation applies it
    def hand_over_lead(self, institution: uuid.UUID, contact: str) -> None:
        contact_person = {
            "none": None,
            "of_new_lead": ContactPerson(USER_OF[institution], institution),
            "of_other": ContactPerson(USER_OF[KANTON], KANTON) if institution != KANTON else None,
        }[contact]
        expected = (
            self.case.phase.is_open
            and self.case.is_participant(institution)
            and institution != self.case.lead_institution_id
            and (contact_person is None or contact_person.institution_id == institution)
        )
        accepted = self.attempt(
            lambda: self.case.hand_over_lead(institution, contact_person, today=self.today)
        )
        assert accepted == expected
        if accepted:
            assert self.case.lead_institution_id == institution
            assert self.case.contact_person == contact_person
            assert not self.lead_proposals()  # the former lead's proposals lapsed

    @rule(segment=st.sampled_from(Segment), with_reason=st.booleans(), offset=day_offsets, by=institutions)
    def assess_segment(self, segment: Segment, with_reason: bool, offset: int, by: uuid.UUID) -> None:
        on = self.day(offset)
        last = self.case.last_segment_assessment
        expected = (
            self.case.phase.is_open
            and self.case.is_participant(by)
            and self.date_ok(on)
            and (last is None or (on >= last.assessed_on and (segment == last.segment or with_reason)))
        )
        history_before = len(self.case.segment_history)
        accepted = self.attempt(
            lambda: self.case.assess_segment(
                segment=segment,
                assessed_on=on,
                reason=text_note(NoteKind.SEGMENT_REASON, "Neue Lage" if with_reason else "", by),
                institution_id=by,
                recorded_by=USER_OF[by],
                now=at_noon(self.today),
            )
        )
        assert accepted == expected
        assert len(self.case.segment_history) == history_before + accepted
        if accepted:
            assert self.case.current_segment is segment

    @rule(by=institutions, offset=day_offsets)
    def record_kurzassessment(self, by: uuid.UUID, offset: int) -> None:
        on = self.day(offset)
        expected = self.case.phase.is_open and self.case.is_participant(by) and self.date_ok(on)
        record = IntakeRecord(
            IntakeStep.KURZASSESSMENT, IntakeOutcome.COMPLETED, on, by, "", USER_OF[by], at_noon(self.today)
        )
        assert self.attempt(lambda: self.case.record_intake_step(record, self.today)) == expected

    @rule()
    def activate(self) -> None:
        expected = (
            self.case.phase is CasePhase.INTAKE
            and self.case.current_segment is not None
            and self.case.has_kurzassessment
        )
        assert self.attempt(self.case.activate) == expected

    # -- invitations: participation and lead only by acceptance -------------------------------------------

    def note(self, kind: NoteKind, by: uuid.UUID) -> ProcessNote:
        return ProcessNote(
            kind, "Begründung", DataCategory.FALLFUEHRUNG, by, self.today, USER_OF[by], at_noon(self.today)
        )

    @rule(institution=institutions, by=institutions)
    def invite(self, institution: uuid.UUID, by: uuid.UUID) -> None:
        expected = (
            self.case.phase.is_open
            and self.case.is_participant(by)
            and institution != by
            and self.case.pending_invitation_for(institution) is None
            and not self.case.is_participant(institution)
        )
        accepted = self.attempt(
            lambda: self.case.invite(
                kind=InvitationKind.PARTICIPATION,
                institution_id=institution,
                by_institution_id=by,
                by_user=USER_OF[by],
                today=self.today,
                local_reference="AZ-E",
            )
        )
        assert accepted == expected
        if accepted:
            assert not self.case.is_participant(institution)  # invited, not conscripted

    @rule(institution=institutions, with_note=st.booleans())
    def propose_lead(self, institution: uuid.UUID, with_note: bool) -> None:
        lead = self.case.lead_institution_id
        expected = (
            self.case.phase.is_open
            and self.case.is_participant(institution)
            and institution != lead
            and self.case.pending_invitation_for(institution) is None
            and with_note
        )
        accepted = self.attempt(
            lambda: self.case.invite(
                kind=InvitationKind.LEAD,
                institution_id=institution,
                by_institution_id=lead,
                by_user=USER_OF[lead],
                today=self.today,
                note=self.note(NoteKind.HANDOVER, lead) if with_note else None,
            )
        )
        assert accepted == expected
        assert self.case.lead_institution_id == lead  # the old lead stays until the receiver accepts

    @precondition(lambda self: bool(self.case.pending_invitations()))
    @rule(data=st.data(), accept=st.booleans())
    def answer_invitation(self, data: st.DataObject, accept: bool) -> None:
        invitation = data.draw(st.sampled_from(self.case.pending_invitations()), label="invitation")
        institution = invitation.institution_id
        left = [p.left_on for p in self.case.participations if p.institution_id == institution and p.left_on]
        if not accept:
            expected = self.case.phase is not CasePhase.ARCHIVED
            action = lambda: self.case.decline_invitation(  # noqa: E731
                invitation.id,
                by_institution_id=institution,
                by_user=USER_OF[institution],
                reason=self.note(NoteKind.DECLINE, institution),
            )
        elif invitation.kind is InvitationKind.PARTICIPATION:
            expected = (
                self.case.phase is not CasePhase.ARCHIVED
                and not self.case.is_participant(institution)
                and (not left or self.today >= max(left))
            )
            action = lambda: self.case.accept_invitation(  # noqa: E731
                invitation.id, by_institution_id=institution, by_user=USER_OF[institution], today=self.today
            )
        else:
            expected = self.case.phase.is_open and self.case.is_participant(institution)
            action = lambda: self.case.accept_invitation(  # noqa: E731
                invitation.id, by_institution_id=institution, by_user=USER_OF[institution], today=self.today
            )
        accepted = self.attempt(action)
        assert accepted == expected
        if accepted:
            status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
            assert invitation.status is status
            if accept and invitation.kind is InvitationKind.LEAD:
                assert self.case.lead_institution_id == institution
                assert not self.lead_proposals()  # any other proposal of the former lead lapsed
            if accept and invitation.kind is InvitationKind.PARTICIPATION:
                assert self.case.is_participant(institution)

    @rule(data=st.data(), by=institutions)
    def answer_someone_elses_invitation(self, data: st.DataObject, by: uuid.UUID) -> None:
        others = [i for i in self.case.pending_invitations() if i.institution_id != by]
        if not others:
            return
        invitation = data.draw(st.sampled_from(others), label="not theirs")
        lead = self.case.lead_institution_id
        accepted = self.attempt(
            lambda: self.case.accept_invitation(
                invitation.id, by_institution_id=by, by_user=USER_OF[by], today=self.today
            )
        )
        assert not accepted
        assert invitation.pending and self.case.lead_institution_id == lead

    @rule(owner=institutions)
    def add_goal(self, owner: uuid.UUID) -> None:
        expected = self.case.phase.is_open and self.case.is_participant(owner)
        goal = Goal(
            title="Ziel",
            owner_institution_id=owner,
            recorded_by=USER_OF[owner],
            recorded_at=at_noon(self.today),
        )
        assert self.attempt(lambda: self.case.add_goal(goal)) == expected

    @rule(
        owner=institutions,
        status=st.sampled_from(sorted(MeasureStatus)),
        start=st.one_of(st.none(), st.integers(min_value=-60, max_value=30)),
        length=st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
        kind=st.sampled_from([MeasureKind.COURSE, MeasureKind.LABOUR_MARKET]),
    )
    def add_measure(
        self,
        owner: uuid.UUID,
        status: MeasureStatus,
        start: int | None,
        length: int | None,
        kind: MeasureKind,
    ) -> None:
        start_on = None if start is None else self.day(start)
        end_on = None if start_on is None or length is None else start_on + timedelta(days=length)
        expected = (
            self.case.phase.is_open
            and self.case.is_participant(owner)
            and not status.is_settled  # only closure and leaving set it
            and not (  # segment S: no labour-market measures (rule as data)
                kind is MeasureKind.LABOUR_MARKET
                and self.case.current_segment is Segment.STABILISIEREN
                and status.is_open
            )
            and not (status is MeasureStatus.RUNNING and start_on is None)
            and (start_on is None or start_on >= self.case.opened_on)
        )

        def add() -> None:
            self.case.add_measure(
                Measure(
                    title="Massnahme",
                    kind=kind,
                    owner_institution_id=owner,
                    recorded_by=USER_OF[owner],
                    recorded_at=at_noon(self.today),
                    start_on=start_on,
                    end_on=end_on,
                    status=status,
                )
            )

        assert self.attempt(add) == expected

    @rule(
        reason=st.sampled_from(ClosureReason),
        offset=day_offsets,
        by_lead=st.booleans(),
        other=institutions,
        remaining=st.sampled_from(["", "Mietzinsbeitrag"]),
    )
    def close(
        self, reason: ClosureReason, offset: int, by_lead: bool, other: uuid.UUID, remaining: str
    ) -> None:
        by = self.case.lead_institution_id if by_lead else other
        on = self.day(offset)
        last = self.case.last_segment_assessment
        expected = (
            self.case.phase.is_open
            and by == self.case.lead_institution_id
            and self.date_ok(on)
            and (last is None or on >= last.assessed_on)
            and (reason is not ClosureReason.TEILABLOESUNG or bool(remaining))
        )
        others_open = {m.id for m in self.case.measures if m.status.is_open and m.owner_institution_id != by}
        accepted = self.attempt(
            lambda: self.case.close(
                reason=reason,
                closed_on=on,
                note=None,
                institution_id=by,
                recorded_by=USER_OF[by],
                today=self.today,
                remaining=text_note(NoteKind.REMAINING, remaining, by),
            )
        )
        assert accepted == expected
        if accepted:
            # the closure ends the closing institution's measures only
            assert others_open == {m.id for m in self.case.measures if m.status.is_open}
            assert self.case.phase is CasePhase.CLOSED
            assert self.case.closure is not None and self.case.closure.reason is reason

    @rule(offset=day_offsets)
    def start_follow_up(self, offset: int) -> None:
        on = self.day(offset)
        closure, follow_up = self.case.closure, self.case.follow_up
        expected = (
            self.case.phase is CasePhase.CLOSED
            and follow_up is not None
            and closure is not None
            and closure.closed_on <= on <= self.today
        )
        assert self.attempt(lambda: self.case.start_follow_up(on, self.today)) == expected

    @rule(
        result=st.sampled_from(FollowUpResult),
        offset=day_offsets,
        early_end=st.one_of(st.none(), st.sampled_from(EarlyEnd)),
    )
    def complete_follow_up(self, result: FollowUpResult, offset: int, early_end: EarlyEnd | None) -> None:
        on = self.day(offset)
        closure, follow_up = self.case.closure, self.case.follow_up
        expected = (
            self.case.phase in (CasePhase.CLOSED, CasePhase.FOLLOW_UP)
            and follow_up is not None
            and closure is not None
            and closure.closed_on <= on <= self.today
            and (follow_up.started_on is None or on >= follow_up.started_on)
            and (on >= follow_up.due_on or early_end is not None)  # six months, or a documented early end
        )
        accepted = self.attempt(lambda: self.case.complete_follow_up(result, on, None, self.today, early_end))
        assert accepted == expected
        if accepted:
            assert self.case.phase is CasePhase.ARCHIVED

    @rule()
    def archive(self) -> None:
        # a completed follow-up has already archived the case, so only a case without one is left
        expected = self.case.phase is CasePhase.CLOSED and self.case.follow_up is None
        assert self.attempt(self.case.archive) == expected

    def teardown(self) -> None:
        if hasattr(self, "case"):
            event(f"final phase: {self.case.phase.value}")

    # -- invariants --------------------------------------------------------------------------------------

    @invariant()
    def lead_is_an_active_participant(self) -> None:
        assert self.case.is_participant(self.case.lead_institution_id)

    @invariant()
    def contact_person_belongs_to_the_lead(self) -> None:
        contact = self.case.contact_person
        assert contact is None or contact.institution_id == self.case.lead_institution_id

    @invariant()
    def phase_moves_only_along_the_transitions(self) -> None:
        phase = self.case.phase
        assert phase == self.phase_seen or phase in TRANSITIONS[self.phase_seen]
        self.phase_seen = phase

    @invariant()
    def no_open_measure_of_the_closing_institution_once_closed(self) -> None:
        closure = self.case.closure
        if closure is not None:
            assert not [
                m
                for m in self.case.measures
                if m.status.is_open and m.owner_institution_id == closure.institution_id
            ]

    @invariant()
    def open_measures_belong_to_active_participants(self) -> None:
        for measure in self.case.measures:
            if measure.status.is_open:
                assert self.case.is_participant(measure.owner_institution_id)

    @invariant()
    def at_most_one_open_invitation_per_institution(self) -> None:
        invited = [i.institution_id for i in self.case.pending_invitations()]
        assert len(invited) == len(set(invited))

    @invariant()
    def a_lead_hand_over_is_proposed_only_by_the_current_lead(self) -> None:
        # Else accepting a former lead's proposal would move the lead without the current lead's say.
        assert all(
            i.invited_by_institution_id == self.case.lead_institution_id for i in self.lead_proposals()
        )

    def lead_proposals(self) -> list[Invitation]:
        return [i for i in self.case.pending_invitations() if i.kind is InvitationKind.LEAD]

    @invariant()
    def closure_exists_exactly_when_the_case_is_no_longer_open(self) -> None:
        assert (self.case.closure is None) == self.case.phase.is_open

    @invariant()
    def settled_measures_do_not_end_after_closure(self) -> None:
        closure = self.case.closure
        for measure in self.case.measures:
            if measure.status is MeasureStatus.ENDED_BY_CLOSURE:
                assert closure is not None
                assert measure.end_on is None or measure.end_on <= closure.closed_on

    @invariant()
    def follow_up_exists_iff_closed_with_a_detachment_reason(self) -> None:
        closure = self.case.closure
        detached = closure is not None and closure.reason.is_detachment
        assert (self.case.follow_up is not None) == detached

    @invariant()
    def segment_history_dates_never_decrease(self) -> None:
        dates = [entry.assessed_on for entry in self.case.segment_history]
        assert dates == sorted(dates)

    @invariant()
    def every_segment_change_has_a_reason(self) -> None:
        history = self.case.segment_history
        for before, after in pairwise(history):
            if before.segment != after.segment:
                assert after.reason_note_id is not None
                assert self.case.note(after.reason_note_id) is not None

    @invariant()
    def active_phase_implies_a_segment(self) -> None:
        if self.case.phase is CasePhase.ACTIVE:
            assert self.case.current_segment is not None

    @invariant()
    def reassessment_due_date_only_for_open_segmented_cases(self) -> None:
        due = self.case.reassessment_due_on
        last = self.case.last_segment_assessment
        assert (due is not None) == (self.case.phase.is_open and last is not None)
        if due is not None and last is not None:
            assert due > last.assessed_on


TestSharedCaseStateMachine = SharedCaseMachine.TestCase
TestSharedCaseStateMachine.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
