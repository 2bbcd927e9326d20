"""The shared case (SharedCase): its invariants and the German messages it refuses with."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import (
    Assessment,
    AssessmentKind,
    CaseConference,
    CasePhase,
    ClosureReason,
    ContactPerson,
    FollowUpResult,
    GoalProgress,
    Invitation,
    InvitationKind,
    InvitationStatus,
    JournalEntry,
    Measure,
    MeasureStatus,
    NoteKind,
    ProgressRating,
    Review,
    Segment,
    SharedCase,
)
from app.domain.cases.closure import DETACHMENT_REASONS
from app.domain.cases.process_rules import RuleBroken, RuleOutOfRange
from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import DomainError, InvalidValue, InvariantViolation, PhaseConflict

from .builders import (
    CASEWORKER_RAV,
    CASEWORKER_SD,
    IV_STELLE,
    NOW,
    OPENED_ON,
    RAV,
    SOZIALDIENST,
    TODAY,
    active_case,
    close,
    kurzassessment,
    new_goal,
    new_measure,
    open_case,
    present,
    segment,
    text_note,
    with_rav,
)

CLOSED_ON = date(2025, 3, 31)
NON_DETACHMENT_REASONS = sorted(set(ClosureReason) - DETACHMENT_REASONS)


def closed_case(reason: ClosureReason = ClosureReason.ERWERBSARBEIT) -> SharedCase:
    case = active_case()
    close(case, reason, CLOSED_ON)
    return case


def journal_entry(category: DataCategory, author: uuid.UUID = SOZIALDIENST) -> JournalEntry:
    return JournalEntry(
        occurred_on=date(2025, 2, 3),
        author_institution_id=author,
        category=category,
        subject="Gespräch",
        text="Klientin berichtet über Bewerbungen.",
        recorded_by=CASEWORKER_SD,
        recorded_at=NOW,
    )


def review(held_on: date, next_review_on: date | None, progress: list[GoalProgress] | None = None) -> Review:
    return Review(
        held_on=held_on,
        institution_id=SOZIALDIENST,
        progress=progress or [],
        summary="Standort besprochen.",
        next_review_on=next_review_on,
        recorded_by=CASEWORKER_SD,
        recorded_at=NOW,
    )


def conference(participants: list[uuid.UUID], organiser: uuid.UUID = SOZIALDIENST) -> CaseConference:
    return CaseConference(
        held_on=date(2025, 2, 10),
        organiser_institution_id=organiser,
        participant_institution_ids=participants,
        decisions="Praktikum wird beantragt.",
        recorded_by=CASEWORKER_SD,
        recorded_at=NOW,
    )


# -- opening, participants, lead, contact person --------------------------------------------------------


def test_opening_makes_the_lead_the_only_active_participant() -> None:
    case = open_case()
    assert case.phase is CasePhase.INTAKE
    assert case.lead_institution_id == SOZIALDIENST
    assert [p.institution_id for p in case.active_participations] == [SOZIALDIENST]
    assert present(case.participation_of(SOZIALDIENST)).joined_on == OPENED_ON
    assert present(case.participation_of(SOZIALDIENST)).local_reference == "SD-2025-0042"


def test_opening_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        open_case(opened_on=TODAY + timedelta(days=1))
    assert refused.value.field == "opened_on"
    assert "Zukunft" in refused.value.message


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65])
def test_opening_without_a_usable_reference_is_refused(reference: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        SharedCase.open(
            person_id=uuid.uuid4(),
            lead_institution_id=SOZIALDIENST,
            local_reference=reference,
            opened_on=OPENED_ON,
            today=TODAY,
        )
    assert refused.value.field == "local_reference"
    assert "Aktenzeichen" in refused.value.message


def test_contact_person_of_the_lead_institution_is_accepted_at_opening() -> None:
    contact = ContactPerson(CASEWORKER_SD, SOZIALDIENST)
    assert open_case(contact_person=contact).contact_person == contact


def test_contact_person_of_another_institution_is_refused_at_opening() -> None:
    with pytest.raises(InvariantViolation) as refused:
        open_case(contact_person=ContactPerson(CASEWORKER_RAV, RAV))
    assert "Ansprechperson muss zur fallführenden Stelle gehören" in refused.value.message
    assert refused.value.field == "contact_person_id"


def test_contact_person_must_belong_to_the_lead_institution() -> None:
    case = with_rav(open_case())
    with pytest.raises(InvariantViolation):
        case.set_contact_person(ContactPerson(CASEWORKER_RAV, RAV))  # a participant, but not the lead
    assert case.contact_person is None
    case.set_contact_person(ContactPerson(CASEWORKER_SD, SOZIALDIENST))
    assert case.contact_person == ContactPerson(CASEWORKER_SD, SOZIALDIENST)


def test_added_participant_is_active_with_its_own_reference() -> None:
    case = open_case()
    case.add_participant(RAV, "  PN-778899 ", date(2025, 1, 20), TODAY)
    assert case.is_participant(RAV)
    assert present(case.participation_of(RAV)).local_reference == "PN-778899"


def test_adding_an_institution_twice_is_refused() -> None:
    case = with_rav(open_case())
    with pytest.raises(InvariantViolation) as refused:
        case.add_participant(RAV, "PN-1", date(2025, 2, 1), TODAY)
    assert "bereits am Fall beteiligt" in refused.value.message


def test_joining_before_opening_or_in_the_future_is_refused() -> None:
    case = open_case()
    with pytest.raises(InvalidValue, match="vor der Fallaufnahme"):
        case.add_participant(RAV, "PN-1", OPENED_ON - timedelta(days=1), TODAY)
    with pytest.raises(InvalidValue, match="Zukunft"):
        case.add_participant(RAV, "PN-1", TODAY + timedelta(days=1), TODAY)
    assert not case.is_participant(RAV)


def test_lead_cannot_leave_the_case() -> None:
    case = with_rav(open_case())
    with pytest.raises(InvariantViolation) as refused:
        case.remove_participant(SOZIALDIENST, date(2025, 2, 1), TODAY)
    assert "fallführende Stelle kann nicht austreten" in refused.value.message
    assert case.is_participant(SOZIALDIENST)


def test_other_participant_can_leave_and_rejoin() -> None:
    case = with_rav(open_case())
    case.remove_participant(RAV, date(2025, 2, 1), TODAY)
    assert not case.is_participant(RAV)
    assert [p.left_on for p in case.participations if p.institution_id == RAV] == [date(2025, 2, 1)]
    case.add_participant(RAV, "PN-2", date(2025, 3, 1), TODAY)
    assert case.is_participant(RAV)


def test_leaving_before_joining_is_refused() -> None:
    case = with_rav(open_case(), on=date(2025, 1, 20))
    with pytest.raises(InvalidValue, match="Austritt liegt vor dem Beitritt"):
        case.remove_participant(RAV, date(2025, 1, 19), TODAY)
    assert case.is_participant(RAV)


def test_a_non_participant_cannot_leave() -> None:
    with pytest.raises(InvariantViolation, match="nicht am Fall beteiligt"):
        open_case().remove_participant(RAV, date(2025, 2, 1), TODAY)


def test_handing_over_the_lead_requires_a_participant() -> None:
    case = open_case()
    with pytest.raises(InvariantViolation) as refused:
        case.hand_over_lead(RAV, None, today=TODAY)
    assert "nicht am Fall beteiligt" in refused.value.message
    assert case.lead_institution_id == SOZIALDIENST


def test_handing_over_the_lead_to_a_former_participant_is_refused() -> None:
    case = with_rav(open_case())
    case.remove_participant(RAV, date(2025, 2, 1), TODAY)
    with pytest.raises(InvariantViolation):
        case.hand_over_lead(RAV, None, today=TODAY)
    assert case.lead_institution_id == SOZIALDIENST


def test_handing_over_the_lead_clears_the_old_contact_person() -> None:
    case = with_rav(open_case(contact_person=ContactPerson(CASEWORKER_SD, SOZIALDIENST)))
    case.hand_over_lead(RAV, None, today=TODAY)
    assert case.lead_institution_id == RAV
    assert case.contact_person is None
    # the former lead stays a participant and may now leave
    case.remove_participant(SOZIALDIENST, date(2025, 2, 1), TODAY)
    assert not case.is_participant(SOZIALDIENST)


def test_handing_over_the_lead_with_a_contact_person_of_the_new_lead() -> None:
    case = with_rav(open_case())
    case.hand_over_lead(RAV, ContactPerson(CASEWORKER_RAV, RAV), today=TODAY)
    assert case.lead_institution_id == RAV
    assert case.contact_person == ContactPerson(CASEWORKER_RAV, RAV)


def test_refused_hand_over_with_a_contact_person_of_the_old_lead_leaves_the_case_unchanged() -> None:
    contact = ContactPerson(CASEWORKER_SD, SOZIALDIENST)
    case = with_rav(open_case(contact_person=contact))
    with pytest.raises(InvariantViolation):
        case.hand_over_lead(RAV, contact, today=TODAY)
    assert case.lead_institution_id == SOZIALDIENST
    assert case.contact_person == contact


def _with_rav_and_iv() -> SharedCase:
    case = with_rav(open_case())
    case.add_participant(IV_STELLE, "IV-1", date(2025, 1, 21), TODAY)
    return case


def _lead_offered_by_the_sozialdienst(case: SharedCase, to: uuid.UUID) -> Invitation:
    return case.invite(
        kind=InvitationKind.LEAD,
        institution_id=to,
        by_institution_id=SOZIALDIENST,
        by_user=CASEWORKER_SD,
        today=TODAY,
        note=text_note(NoteKind.HANDOVER, "Übergabe", SOZIALDIENST),
    )


def test_a_second_lead_proposal_lapses_when_the_first_is_accepted() -> None:
    """The Sozialdienst proposes the lead to the RAV and to the IV-Stelle; the RAV accepts. The IV-Stelle
    must not then take the lead from the RAV by accepting the Sozialdienst's older proposal."""
    case = _with_rav_and_iv()
    proposals = {to: _lead_offered_by_the_sozialdienst(case, to) for to in (RAV, IV_STELLE)}
    case.accept_invitation(proposals[RAV].id, by_institution_id=RAV, by_user=CASEWORKER_RAV, today=TODAY)
    assert proposals[RAV].status is InvitationStatus.ACCEPTED
    assert (proposals[IV_STELLE].status, proposals[IV_STELLE].answered_on) == (
        InvitationStatus.WITHDRAWN,
        TODAY,
    )
    with pytest.raises(InvariantViolation):
        case.accept_invitation(
            proposals[IV_STELLE].id, by_institution_id=IV_STELLE, by_user=CASEWORKER_RAV, today=TODAY
        )
    assert case.lead_institution_id == RAV


def test_a_former_leads_proposal_stored_as_open_cannot_move_the_lead() -> None:
    """Data from before proposals lapsed: the RAV took the lead, the IV-Stelle's older proposal from
    the Sozialdienst is still open. Accepting it is refused; the RAV stays the lead."""
    case = _with_rav_and_iv()
    stale = _lead_offered_by_the_sozialdienst(case, IV_STELLE)
    case.lead_institution_id = RAV  # as such a case was stored
    with pytest.raises(InvariantViolation, match="verfallen"):
        case.accept_invitation(stale.id, by_institution_id=IV_STELLE, by_user=CASEWORKER_RAV, today=TODAY)
    assert case.lead_institution_id == RAV
    assert stale.pending  # the IV-Stelle may still decline it


def test_a_participation_invitation_outlives_a_change_of_the_lead() -> None:
    case = with_rav(open_case())
    invited = case.invite(
        kind=InvitationKind.PARTICIPATION,
        institution_id=IV_STELLE,
        by_institution_id=SOZIALDIENST,
        by_user=CASEWORKER_SD,
        today=TODAY,
    )
    case.hand_over_lead(RAV, None, today=TODAY)
    assert invited.pending


def test_handing_over_the_lead_after_closure_is_a_phase_conflict() -> None:
    case = with_rav(open_case())
    close(case, ClosureReason.WEGZUG, CLOSED_ON)
    with pytest.raises(PhaseConflict):
        case.hand_over_lead(RAV, None, today=TODAY)
    assert case.lead_institution_id == SOZIALDIENST


# -- segmentation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_first_segmentation_needs_no_reason(reason: str) -> None:
    case = open_case()
    entry = case.assess_segment(
        segment=Segment.ORIENTIEREN,
        assessed_on=date(2025, 1, 10),
        reason=text_note(NoteKind.SEGMENT_REASON, reason, SOZIALDIENST),
        institution_id=SOZIALDIENST,
        recorded_by=CASEWORKER_SD,
        now=NOW,
    )
    assert case.current_segment is Segment.ORIENTIEREN
    assert case.segment_history == [entry]
    assert entry.reason == ""
    assert entry.recorded_at == NOW


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_segment_change_without_reason_is_refused(reason: str) -> None:
    case = open_case()
    segment(case, Segment.ORIENTIEREN, date(2025, 1, 10))
    with pytest.raises(InvariantViolation) as refused:
        segment(case, Segment.VERAENDERN, date(2025, 2, 10), reason)
    assert "Segmentwechsel braucht eine Begründung" in refused.value.message
    assert refused.value.field == "reason"
    assert case.current_segment is Segment.ORIENTIEREN
    assert len(case.segment_history) == 1


def test_segment_change_keeps_its_reason_as_a_note_under_the_authors_category() -> None:
    case = open_case()
    segment(case, Segment.ORIENTIEREN, date(2025, 1, 10))
    segment(case, Segment.VERAENDERN, date(2025, 2, 10), "  Deutschkurs abgeschlossen ")
    assert case.current_segment is Segment.VERAENDERN
    entry = present(case.last_segment_assessment)
    assert (entry.reason, entry.category) == ("", DataCategory.FALLFUEHRUNG)
    note = present(case.note(present(entry.reason_note_id)))
    assert (note.text, note.category, note.kind) == (
        "Deutschkurs abgeschlossen",
        DataCategory.SOZIALHILFE,
        NoteKind.SEGMENT_REASON,
    )
    assert [e.segment for e in case.segment_history] == [Segment.ORIENTIEREN, Segment.VERAENDERN]


def test_confirming_the_same_segment_needs_no_reason() -> None:
    case = open_case()
    segment(case, Segment.STABILISIEREN, date(2025, 1, 10))
    segment(case, Segment.STABILISIEREN, date(2025, 4, 10))
    assert len(case.segment_history) == 2


def test_assessing_earlier_than_the_last_segmentation_is_refused() -> None:
    case = open_case()
    segment(case, Segment.ORIENTIEREN, date(2025, 2, 10))
    with pytest.raises(InvalidValue) as refused:
        segment(case, Segment.ORIENTIEREN, date(2025, 2, 9))
    assert "vor der letzten Segmentierung" in refused.value.message
    assert refused.value.field == "assessed_on"
    segment(case, Segment.ORIENTIEREN, date(2025, 2, 10))  # the same day is fine
    assert len(case.segment_history) == 2


def test_assessing_before_opening_is_refused() -> None:
    case = open_case()
    with pytest.raises(InvalidValue, match="vor der Fallaufnahme"):
        segment(case, Segment.ORIENTIEREN, OPENED_ON - timedelta(days=1))
    assert case.segment_history == []


def test_assessing_in_the_future_is_refused() -> None:
    case = open_case()
    with pytest.raises(InvalidValue) as refused:
        segment(case, Segment.ORIENTIEREN, NOW.date() + timedelta(days=1), now=NOW)
    assert "Zukunft" in refused.value.message
    assert case.segment_history == []
    segment(case, Segment.ORIENTIEREN, NOW.date(), now=NOW)  # today is fine
    assert case.current_segment is Segment.ORIENTIEREN


def test_assessing_by_a_non_participant_is_refused() -> None:
    case = open_case()
    with pytest.raises(InvariantViolation, match="nicht am Fall beteiligt"):
        segment(case, Segment.ORIENTIEREN, date(2025, 1, 10), by=IV_STELLE)


def test_any_participant_may_assess_the_segment() -> None:
    case = with_rav(open_case())
    segment(case, Segment.ABLOESEN, date(2025, 2, 1), by=RAV)
    assert present(case.last_segment_assessment).owner_institution_id == RAV


def test_segmentation_after_closure_is_a_phase_conflict() -> None:
    case = closed_case()
    with pytest.raises(PhaseConflict):
        segment(case, Segment.ABLOESEN, date(2025, 4, 1), "nach Abschluss")


# -- activation ------------------------------------------------------------------------------------------


def test_activation_requires_a_segment() -> None:
    case = open_case()
    kurzassessment(case)
    with pytest.raises(RuleBroken) as refused:
        case.activate()
    assert "segmentiert" in refused.value.message
    assert refused.value.rule == "dff.aktivierung.segment"
    assert case.phase is CasePhase.INTAKE


def test_activation_requires_the_kurzassessment() -> None:
    case = open_case()
    segment(case, Segment.VERAENDERN, date(2025, 1, 15))
    with pytest.raises(RuleBroken) as refused:
        case.activate()
    assert refused.value.rule == "dff.aktivierung.kurzassessment"
    assert "Kurzassessment" in refused.value.message
    assert case.activation_missing() == ["kurzassessment"]


def test_activation_after_the_kurzassessment_and_the_first_segmentation() -> None:
    case = open_case()
    kurzassessment(case)
    segment(case, Segment.VERAENDERN, date(2025, 1, 15))
    case.activate()
    assert case.phase is CasePhase.ACTIVE


def test_activating_twice_is_a_phase_conflict() -> None:
    case = active_case()
    with pytest.raises(PhaseConflict) as refused:
        case.activate()
    assert "«Aktiv»" in refused.value.message
    assert case.phase is CasePhase.ACTIVE


# -- closure ----------------------------------------------------------------------------------------------


def test_only_the_lead_can_close_the_case() -> None:
    case = active_case()
    with pytest.raises(InvariantViolation) as refused:
        close(case, by=RAV)
    assert "Nur die fallführende Stelle" in refused.value.message
    assert case.phase is CasePhase.ACTIVE
    assert case.closure is None
    assert case.follow_up is None


def test_a_non_participant_cannot_close_the_case() -> None:
    case = active_case()
    with pytest.raises(InvariantViolation):
        close(case, by=IV_STELLE)
    assert case.phase is CasePhase.ACTIVE


def test_closing_in_the_future_or_before_opening_is_refused() -> None:
    case = active_case()
    with pytest.raises(InvalidValue, match="Zukunft"):
        close(case, closed_on=TODAY + timedelta(days=1))
    with pytest.raises(InvalidValue, match="vor der Fallaufnahme"):
        close(case, closed_on=OPENED_ON - timedelta(days=1))
    assert case.phase is CasePhase.ACTIVE
    assert case.closure is None


def test_closing_records_the_closure_with_the_note_trimmed() -> None:
    case = closed_case(ClosureReason.AUSBILDUNG)
    assert case.phase is CasePhase.CLOSED
    assert present(case.closure).closed_on == CLOSED_ON
    assert present(case.closure).reason is ClosureReason.AUSBILDUNG
    assert present(case.closure).note == ""
    note = present(case.note(present(present(case.closure).note_id)))
    assert (note.text, note.category) == ("Festanstellung ab 1. April", DataCategory.SOZIALHILFE)
    assert present(case.closure).owner_institution_id == SOZIALDIENST


def test_a_case_can_be_closed_during_intake() -> None:
    case = open_case()
    close(case, ClosureReason.KEIN_ANSPRUCH, date(2025, 1, 7))
    assert case.phase is CasePhase.CLOSED


def test_closing_twice_is_a_phase_conflict() -> None:
    case = closed_case()
    with pytest.raises(PhaseConflict):
        close(case, ClosureReason.WEGZUG, CLOSED_ON)
    assert present(case.closure).reason is ClosureReason.ERWERBSARBEIT


def test_closure_settles_own_open_measures_and_leaves_finished_and_others_alone() -> None:
    case = active_case()
    planned_later = case.add_measure(new_measure(start_on=date(2025, 5, 1), end_on=date(2025, 8, 31)))
    planned_undated = case.add_measure(new_measure())
    running_past_closure = case.add_measure(
        new_measure(status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1), end_on=date(2025, 6, 30))
    )
    running_open_ended = case.add_measure(
        new_measure(status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1), outcome="läuft gut")
    )
    rav_running = case.add_measure(new_measure(RAV, status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1)))
    running_ending_before = case.add_measure(
        new_measure(status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1), end_on=date(2025, 3, 15))
    )
    completed = case.add_measure(
        new_measure(
            status=MeasureStatus.COMPLETED,
            start_on=date(2025, 1, 10),
            end_on=date(2025, 8, 1),
            outcome="Abgeschlossen",
        )
    )
    cancelled = case.add_measure(new_measure(status=MeasureStatus.CANCELLED, start_on=date(2025, 6, 1)))

    close(case, ClosureReason.ERWERBSARBEIT, CLOSED_ON)

    settled = [
        planned_later,
        planned_undated,
        running_past_closure,
        running_open_ended,
        running_ending_before,
    ]
    assert all(m.status is MeasureStatus.ENDED_BY_CLOSURE for m in settled)
    assert all(m.end_on is None or m.end_on <= CLOSED_ON for m in settled)
    assert (planned_later.start_on, planned_later.end_on) == (None, None)  # never began
    assert (planned_undated.start_on, planned_undated.end_on) == (None, None)
    assert running_past_closure.end_on == CLOSED_ON
    assert running_open_ended.end_on == CLOSED_ON
    assert running_ending_before.end_on == date(2025, 3, 15)
    assert running_past_closure.outcome == "Durch den Fallabschluss beendet."
    assert running_open_ended.outcome == "läuft gut"

    assert completed.status is MeasureStatus.COMPLETED
    assert (completed.start_on, completed.end_on, completed.outcome) == (
        date(2025, 1, 10),
        date(2025, 8, 1),
        "Abgeschlossen",
    )
    assert cancelled.status is MeasureStatus.CANCELLED
    assert (cancelled.start_on, cancelled.end_on) == (date(2025, 6, 1), None)
    assert (rav_running.status, rav_running.end_on) == (MeasureStatus.RUNNING, None)  # the RAV's own


measure_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@given(
    st.sampled_from(list(MeasureStatus)),
    st.one_of(st.none(), measure_dates),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    measure_dates,
)
def test_settling_a_measure_on_closure_never_leaves_it_open_or_ending_after_closure(
    status: MeasureStatus, start_on: date | None, length: int | None, closed_on: date
) -> None:
    if status is MeasureStatus.RUNNING and start_on is None:
        start_on = date(2025, 1, 1)
    end_on = None if length is None else (start_on or date(2024, 1, 1)) + timedelta(days=length)
    measure = new_measure(status=status, start_on=start_on, end_on=end_on)
    before = (measure.status, measure.start_on, measure.end_on, measure.outcome)

    measure.settle_on_closure(closed_on)

    if status.is_open:
        assert measure.status is MeasureStatus.ENDED_BY_CLOSURE
        assert measure.start_on is None or measure.start_on <= closed_on
        assert measure.end_on is None or measure.end_on <= closed_on
        assert measure.end_on is None or measure.start_on is None or measure.start_on <= measure.end_on
        assert measure.outcome
    else:
        assert (measure.status, measure.start_on, measure.end_on, measure.outcome) == before
    measure.validate()  # still a valid measure


@pytest.mark.parametrize("reason", sorted(DETACHMENT_REASONS))
def test_detachment_closure_creates_a_follow_up_due_six_months_later(reason: ClosureReason) -> None:
    case = closed_case(reason)
    assert reason.is_detachment
    assert case.follow_up is not None
    assert present(case.follow_up).due_on == date(2025, 9, 30)
    assert present(case.follow_up).owner_institution_id == SOZIALDIENST
    assert present(case.follow_up).started_on is None
    assert present(case.follow_up).completed_on is None


def test_follow_up_due_date_is_clamped_to_the_month_end() -> None:
    case = active_case()
    close(case, ClosureReason.ERWERBSARBEIT, date(2025, 3, 31), today=date(2025, 3, 31))
    assert present(case.follow_up).due_on == date(2025, 9, 30)
    case = open_case(opened_on=date(2024, 8, 1), today=date(2024, 8, 31))
    close(case, ClosureReason.ERWERBSARBEIT, date(2024, 8, 31), today=date(2024, 8, 31))
    assert present(case.follow_up).due_on == date(2025, 2, 28)


@pytest.mark.parametrize("reason", NON_DETACHMENT_REASONS)
def test_closure_without_detachment_creates_no_follow_up(reason: ClosureReason) -> None:
    assert ClosureReason.WEGZUG in NON_DETACHMENT_REASONS
    case = closed_case(reason)
    assert case.follow_up is None


# -- follow-up and archiving -----------------------------------------------------------------------------


def test_follow_up_is_only_possible_after_closure() -> None:
    case = active_case()
    with pytest.raises(PhaseConflict) as refused:
        case.start_follow_up(date(2025, 4, 1), TODAY)
    assert "erst nach dem Fallabschluss" in refused.value.message
    with pytest.raises(PhaseConflict):
        case.complete_follow_up(FollowUpResult.SUSTAINABLE, date(2025, 4, 1), None, TODAY)
    assert case.phase is CasePhase.ACTIVE


def test_starting_the_follow_up_moves_the_case_into_follow_up() -> None:
    case = closed_case()
    follow_up = case.start_follow_up(date(2025, 9, 30), date(2025, 10, 1))
    assert case.phase is CasePhase.FOLLOW_UP
    assert follow_up.started_on == date(2025, 9, 30)


def test_follow_up_dated_before_closure_is_refused() -> None:
    case = closed_case()
    with pytest.raises(InvalidValue) as refused:
        case.start_follow_up(CLOSED_ON - timedelta(days=1), TODAY)
    assert "vor dem Fallabschluss" in refused.value.message
    assert refused.value.field == "started_on"
    with pytest.raises(InvalidValue):
        case.complete_follow_up(FollowUpResult.SUSTAINABLE, CLOSED_ON - timedelta(days=1), None, TODAY)
    assert case.phase is CasePhase.CLOSED
    assert present(case.follow_up).started_on is None


def test_follow_up_dated_in_the_future_is_refused() -> None:
    case = closed_case()
    with pytest.raises(InvalidValue, match="Zukunft"):
        case.start_follow_up(TODAY + timedelta(days=1), TODAY)
    assert case.phase is CasePhase.CLOSED


def test_completing_the_follow_up_archives_the_case() -> None:
    case = closed_case()
    case.start_follow_up(date(2025, 9, 30), date(2025, 10, 1))
    case.complete_follow_up(
        FollowUpResult.SUSTAINABLE,
        date(2025, 10, 15),
        text_note(NoteKind.FOLLOW_UP, "  Stelle gehalten ", SOZIALDIENST),
        date(2025, 10, 15),
    )
    assert case.phase is CasePhase.ARCHIVED
    assert present(case.follow_up).completed_on == date(2025, 10, 15)
    assert present(case.follow_up).result is FollowUpResult.SUSTAINABLE
    note = present(case.note(present(present(case.follow_up).note_id)))
    assert (note.text, note.category) == ("Stelle gehalten", DataCategory.SOZIALHILFE)


def test_completing_the_follow_up_without_starting_it_archives_and_dates_the_start() -> None:
    case = closed_case()
    case.complete_follow_up(FollowUpResult.UNREACHABLE, date(2025, 10, 2), None, date(2025, 10, 2))
    assert case.phase is CasePhase.ARCHIVED
    assert present(case.follow_up).started_on == date(2025, 10, 2)


def test_completing_the_follow_up_before_it_started_is_refused() -> None:
    case = closed_case()
    case.start_follow_up(date(2025, 9, 30), date(2025, 10, 1))
    with pytest.raises(InvalidValue, match="endet vor ihrem Beginn"):
        case.complete_follow_up(FollowUpResult.SUSTAINABLE, date(2025, 9, 29), None, date(2025, 10, 1))
    assert case.phase is CasePhase.FOLLOW_UP


def test_starting_the_follow_up_twice_is_refused() -> None:
    case = closed_case()
    case.start_follow_up(date(2025, 9, 30), date(2025, 10, 1))
    with pytest.raises(PhaseConflict):
        case.start_follow_up(date(2025, 10, 1), date(2025, 10, 1))
    assert present(case.follow_up).started_on == date(2025, 9, 30)


def test_a_completed_follow_up_cannot_be_completed_again() -> None:
    case = closed_case()
    case.complete_follow_up(FollowUpResult.SUSTAINABLE, date(2025, 10, 2), None, date(2025, 10, 2))
    with pytest.raises(DomainError):
        case.complete_follow_up(FollowUpResult.NOT_SUSTAINABLE, date(2025, 10, 3), None, date(2025, 10, 3))
    assert present(case.follow_up).result is FollowUpResult.SUSTAINABLE


def test_without_detachment_there_is_no_follow_up_to_start_and_the_case_can_be_archived() -> None:
    case = closed_case(ClosureReason.WEGZUG)
    with pytest.raises(InvariantViolation, match="keine Nachbetreuung offen"):
        case.start_follow_up(date(2025, 4, 1), TODAY)
    case.archive()
    assert case.phase is CasePhase.ARCHIVED


def test_archiving_with_an_open_follow_up_is_refused() -> None:
    case = closed_case()
    with pytest.raises(InvariantViolation, match="Nachbetreuung ist noch offen"):
        case.archive()
    assert case.phase is CasePhase.CLOSED


def test_an_open_case_cannot_be_archived() -> None:
    case = active_case()
    with pytest.raises(PhaseConflict):
        case.archive()
    assert case.phase is CasePhase.ACTIVE


def test_an_archived_case_refuses_changes() -> None:
    case = closed_case(ClosureReason.TOD)
    case.archive()
    with pytest.raises(PhaseConflict, match="archivierter Fall"):
        case.add_participant(IV_STELLE, "IV-1", date(2025, 4, 1), TODAY)
    with pytest.raises(PhaseConflict):
        case.remove_participant(RAV, date(2025, 4, 1), TODAY)
    with pytest.raises(PhaseConflict):
        case.add_journal_entry(journal_entry(DataCategory.FALLFUEHRUNG), TODAY)
    with pytest.raises(PhaseConflict):
        case.record_conference(conference([SOZIALDIENST]), TODAY)


# -- integration plan --------------------------------------------------------------------------------------


def test_plan_changes_after_closure_are_a_phase_conflict() -> None:
    case = active_case()
    measure = case.add_measure(new_measure(status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1)))
    close(case, ClosureReason.WEGZUG, CLOSED_ON)
    with pytest.raises(PhaseConflict) as refused:
        case.add_goal(new_goal())
    assert "Integrationsplan" in refused.value.message
    with pytest.raises(PhaseConflict):
        case.add_measure(new_measure())
    measure.status = MeasureStatus.RUNNING
    with pytest.raises(PhaseConflict):
        case.revise_measure(measure)
    assert case.goals == []
    assert len(case.measures) == 1


def test_measure_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        new_measure(start_on=date(2025, 3, 1), end_on=date(2025, 2, 28))
    assert "Ende der Massnahme liegt vor ihrem Beginn" in refused.value.message
    assert refused.value.field == "end_on"
    new_measure(start_on=date(2025, 3, 1), end_on=date(2025, 3, 1))  # one-day measure is fine


def test_revising_a_measure_to_end_before_it_starts_is_refused() -> None:
    case = active_case()
    measure = case.add_measure(new_measure(start_on=date(2025, 3, 1)))
    measure.end_on = date(2025, 2, 1)
    with pytest.raises(InvalidValue, match="vor ihrem Beginn"):
        case.revise_measure(measure)


def test_running_measure_needs_a_start_date() -> None:
    with pytest.raises(InvalidValue) as refused:
        new_measure(status=MeasureStatus.RUNNING)
    assert refused.value.field == "start_on"


def test_a_measure_cannot_be_marked_as_ended_by_closure_while_the_case_is_open() -> None:
    case = active_case()
    with pytest.raises(InvalidValue):
        case.add_measure(new_measure(status=MeasureStatus.ENDED_BY_CLOSURE))
    measure = case.add_measure(new_measure())
    measure.status = MeasureStatus.ENDED_BY_CLOSURE
    with pytest.raises(InvalidValue):
        case.revise_measure(measure)


def test_measure_without_title_is_refused() -> None:
    with pytest.raises(InvalidValue, match="Titel"):
        Measure(
            title="  ",
            kind=new_measure().kind,
            owner_institution_id=SOZIALDIENST,
            recorded_by=CASEWORKER_SD,
            recorded_at=NOW,
        )


def test_measure_starting_before_opening_is_refused() -> None:
    case = active_case()
    with pytest.raises(InvalidValue, match="vor der Fallaufnahme"):
        case.add_measure(new_measure(start_on=OPENED_ON - timedelta(days=1)))
    assert case.measures == []


def test_measure_for_an_unknown_goal_is_refused() -> None:
    case = active_case()
    with pytest.raises(InvalidValue) as refused:
        case.add_measure(new_measure(goal_id=uuid.uuid4()))
    assert refused.value.field == "goal_id"
    goal = case.add_goal(new_goal())
    assert case.add_measure(new_measure(goal_id=goal.id)).goal_id == goal.id


def test_plan_entries_belong_to_participating_institutions() -> None:
    case = active_case()
    with pytest.raises(InvariantViolation) as refused:
        case.add_goal(new_goal(IV_STELLE))
    assert refused.value.field == "owner_institution_id"
    with pytest.raises(InvariantViolation):
        case.add_measure(new_measure(IV_STELLE))
    assert case.add_goal(new_goal(RAV)).owner_institution_id == RAV


def test_goal_needs_a_title_and_no_target_before_opening() -> None:
    with pytest.raises(InvalidValue, match="Titel"):
        new_goal(title=" ")
    case = active_case()
    goal = new_goal()
    goal.target_on = OPENED_ON - timedelta(days=1)
    with pytest.raises(InvalidValue, match="Zieldatum"):
        case.add_goal(goal)


# -- assessments, reviews, conferences, journal ----------------------------------------------------------


def test_review_whose_next_review_is_not_after_it_is_refused() -> None:
    for next_on in (date(2025, 3, 1), date(2025, 2, 28)):
        with pytest.raises(InvalidValue) as refused:
            review(date(2025, 3, 1), next_on)
        assert "nächste Standortbestimmung muss nach dieser stattfinden" in refused.value.message
        assert refused.value.field == "next_review_on"
    assert review(date(2025, 3, 1), date(2025, 3, 2)).next_review_on == date(2025, 3, 2)


def test_review_rating_an_unknown_goal_is_refused() -> None:
    case = active_case()
    goal = case.add_goal(new_goal())
    progress = [
        GoalProgress(goal.id, ProgressRating.ON_TRACK),
        GoalProgress(uuid.uuid4(), ProgressRating.DELAYED),
    ]
    with pytest.raises(InvalidValue) as refused:
        case.record_review(review(date(2025, 3, 1), None, progress), TODAY)
    assert refused.value.field == "progress.1.goal_id"
    assert case.reviews == []


def test_review_rating_a_goal_twice_is_refused() -> None:
    goal_id = uuid.uuid4()
    with pytest.raises(InvalidValue, match="nur einmal"):
        review(
            date(2025, 3, 1),
            None,
            [GoalProgress(goal_id, ProgressRating.ON_TRACK), GoalProgress(goal_id, ProgressRating.AT_RISK)],
        )


def test_next_review_date_comes_from_the_latest_dated_review() -> None:
    case = active_case()
    assert case.next_review_on is None
    case.record_review(review(date(2025, 3, 1), date(2025, 6, 1)), TODAY)
    case.record_review(review(date(2025, 2, 1), date(2025, 7, 1)), TODAY)  # recorded late, held earlier
    assert case.next_review_on == date(2025, 6, 1)
    case.record_review(review(date(2025, 4, 1), None), TODAY)
    assert case.next_review_on == date(2025, 10, 1)  # each Standortbestimmung sets the next


def test_the_next_review_is_at_most_the_reassessment_interval_away() -> None:
    case = active_case()
    with pytest.raises(RuleOutOfRange) as refused:
        case.record_review(review(date(2025, 2, 1), date(2025, 9, 1)), TODAY)
    assert refused.value.rule == "dff.neubeurteilung.6-monate"
    assert refused.value.field == "next_review_on"


def test_review_after_closure_is_a_phase_conflict() -> None:
    case = closed_case()
    with pytest.raises(PhaseConflict):
        case.record_review(review(date(2025, 4, 1), None), TODAY)


def test_conference_participants_must_be_current_or_former_participants() -> None:
    case = active_case()
    with pytest.raises(InvalidValue) as refused:
        case.record_conference(conference([SOZIALDIENST, IV_STELLE]), TODAY)
    assert "nicht am Fall beteiligt" in refused.value.message
    assert refused.value.field == "participant_institution_ids.1"

    case.remove_participant(RAV, date(2025, 2, 5), TODAY)
    recorded = case.record_conference(conference([SOZIALDIENST, RAV]), TODAY)  # RAV took part before leaving
    assert case.conferences == [recorded]


def test_conference_organiser_must_be_an_active_participant() -> None:
    case = active_case()
    case.remove_participant(RAV, date(2025, 2, 5), TODAY)
    with pytest.raises(InvariantViolation):
        case.record_conference(conference([SOZIALDIENST, RAV], organiser=RAV), TODAY)


def test_conference_needs_participants_and_decisions() -> None:
    with pytest.raises(InvalidValue, match="Teilnehmende"):
        conference([])


def test_journal_category_stammdaten_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        journal_entry(DataCategory.STAMMDATEN)
    assert "«stammdaten» ist hier nicht zulässig" in refused.value.message
    assert refused.value.field == "category"


@pytest.mark.parametrize("category", sorted(CONTENT_CATEGORIES))
def test_journal_accepts_every_content_category(category: DataCategory) -> None:
    case = active_case()
    entry = case.add_journal_entry(journal_entry(category, RAV), TODAY)
    assert entry.category is category
    assert entry.owner_institution_id == RAV


def test_journal_entry_in_the_future_or_by_a_non_participant_is_refused() -> None:
    case = active_case()
    entry = journal_entry(DataCategory.FALLFUEHRUNG)
    entry.occurred_on = TODAY + timedelta(days=1)
    with pytest.raises(InvalidValue, match="Zukunft"):
        case.add_journal_entry(entry, TODAY)
    with pytest.raises(InvariantViolation):
        case.add_journal_entry(journal_entry(DataCategory.FALLFUEHRUNG, IV_STELLE), TODAY)
    assert case.journal == []


def test_journal_entries_are_possible_after_closure() -> None:
    case = closed_case()
    case.add_journal_entry(journal_entry(DataCategory.FALLFUEHRUNG), TODAY)
    assert len(case.journal) == 1


def test_assessments_and_conferences_refuse_the_stammdaten_category() -> None:
    with pytest.raises(InvalidValue):
        Assessment(
            kind=AssessmentKind.KURZASSESSMENT,
            assessed_on=date(2025, 1, 10),
            author_institution_id=SOZIALDIENST,
            findings="Motiviert",
            recommendation="Praktikum",
            recorded_by=CASEWORKER_SD,
            recorded_at=NOW,
            category=DataCategory.STAMMDATEN,
        )
    with pytest.raises(InvalidValue):
        CaseConference(
            held_on=date(2025, 2, 10),
            organiser_institution_id=SOZIALDIENST,
            participant_institution_ids=[SOZIALDIENST],
            decisions="Praktikum",
            recorded_by=CASEWORKER_SD,
            recorded_at=NOW,
            category=DataCategory.STAMMDATEN,
        )


def test_assessment_dated_before_opening_is_refused() -> None:
    case = active_case()
    assessment = Assessment(
        kind=AssessmentKind.VPE,
        assessed_on=OPENED_ON - timedelta(days=1),
        author_institution_id=SOZIALDIENST,
        findings="Belastbarkeit 50 %",
        recommendation="Einsatzplatz",
        recorded_by=CASEWORKER_SD,
        recorded_at=NOW,
    )
    with pytest.raises(InvalidValue, match="vor der Fallaufnahme"):
        case.record_assessment(assessment, TODAY)


# -- items -------------------------------------------------------------------------------------------------


def fully_recorded_case() -> SharedCase:
    case = active_case()
    goal = case.add_goal(new_goal(RAV))
    case.add_measure(
        new_measure(RAV, goal_id=goal.id, status=MeasureStatus.RUNNING, start_on=date(2025, 2, 1))
    )
    case.record_assessment(
        Assessment(
            kind=AssessmentKind.PRAXISASSESSMENT,
            assessed_on=date(2025, 2, 1),
            author_institution_id=RAV,
            findings="Zuverlässig",
            recommendation="Einsatzplatz",
            recorded_by=CASEWORKER_RAV,
            recorded_at=NOW,
            category=DataCategory.ARBEITSMARKT,
        ),
        TODAY,
    )
    case.record_review(
        review(date(2025, 3, 1), date(2025, 6, 1), [GoalProgress(goal.id, ProgressRating.ON_TRACK)]), TODAY
    )
    case.record_conference(conference([SOZIALDIENST, RAV]), TODAY)
    case.add_journal_entry(journal_entry(DataCategory.GESUNDHEIT), TODAY)
    segment(case, Segment.ABLOESEN, date(2025, 3, 2), "Stelle in Aussicht")
    return case


def test_every_item_has_a_category_and_an_owner_institution() -> None:
    case = fully_recorded_case()
    items = list(case.items())
    expected_count = sum(
        len(collection)
        for collection in (
            case.participations,
            case.segment_history,
            case.goals,
            case.measures,
            case.assessments,
            case.reviews,
            case.conferences,
            case.journal,
            case.intake_records,
            case.notes,
        )
    )
    assert len(items) == expected_count == 12
    participants = {p.institution_id for p in case.participations}
    for item in items:
        assert isinstance(item.category, DataCategory), item
        assert isinstance(item.owner_institution_id, uuid.UUID), item
        assert item.owner_institution_id in participants, item
        assert isinstance(item.id, uuid.UUID), item


def test_domain_errors_carry_a_title() -> None:
    assert InvalidValue("x").title == "Ungültiger Wert"
    assert PhaseConflict("x").title == "In dieser Fallphase nicht möglich"
    assert issubclass(InvariantViolation, DomainError)
