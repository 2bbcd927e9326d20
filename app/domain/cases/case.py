"""The shared case: one per client, one lead institution, one contact person."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.cases.closure import (
    FOLLOW_UP_MONTHS,
    Closure,
    ClosureReason,
    EarlyEnd,
    FollowUp,
    FollowUpResult,
)
from app.domain.cases.cooperation import Cooperation
from app.domain.cases.intake import IntakeRecord, IntakeStep
from app.domain.cases.invitations import Invitation, InvitationKind, InvitationStatus
from app.domain.cases.notes import NoteKind, ProcessNote, require_note
from app.domain.cases.phase import TRANSITIONS, CasePhase
from app.domain.cases.plan import Goal, Measure, MeasureStatus
from app.domain.cases.process_rules import (
    ACTIVATION_NEEDS_KURZASSESSMENT,
    ACTIVATION_NEEDS_SEGMENT,
    FOLLOW_UP_AFTER_SIX_MONTHS,
    LEAD_NEEDS_ACCEPTANCE,
    REASSESSMENT_MAX_SIX_MONTHS,
    SEGMENT_MEASURE_EXCLUSIONS,
    RuleBroken,
    RuleConflict,
    RuleOutOfRange,
)
from app.domain.cases.records import (
    ActionItem,
    Assessment,
    AssessmentKind,
    CaseConference,
    CaseItem,
    JournalEntry,
    Review,
)
from app.domain.cases.segment import (
    DEFAULT_REASSESSMENT_INTERVAL_MONTHS,
    MAX_REASSESSMENT_INTERVAL_MONTHS,
    Segment,
    SegmentAssessment,
    reassessment_due_on,
)
from app.domain.categories import DataCategory
from app.domain.dates import add_months
from app.domain.errors import InvalidValue, InvariantViolation, PhaseConflict


def follow_up_ends_on(closed_on: date) -> date:
    """The follow-up period ends FOLLOW_UP_MONTHS after the closure, with or without a follow-up."""
    return add_months(closed_on, FOLLOW_UP_MONTHS)


@dataclass
class Participation:
    """An institution working on the case, with its own reference number."""

    institution_id: uuid.UUID
    local_reference: str
    joined_on: date
    left_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    category = DataCategory.FALLFUEHRUNG

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id

    @property
    def active(self) -> bool:
        return self.left_on is None


@dataclass(frozen=True)
class ContactPerson:
    """Ansprechperson: a user of the lead institution."""

    user_id: uuid.UUID
    institution_id: uuid.UUID


@dataclass
class SharedCase:
    person_id: uuid.UUID
    opened_on: date
    lead_institution_id: uuid.UUID
    participations: list[Participation]
    contact_person: ContactPerson | None = None
    phase: CasePhase = CasePhase.INTAKE
    reassessment_interval_months: int = DEFAULT_REASSESSMENT_INTERVAL_MONTHS
    segment_history: list[SegmentAssessment] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    conferences: list[CaseConference] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    intake_records: list[IntakeRecord] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    notes: list[ProcessNote] = field(default_factory=list)
    closure: Closure | None = None
    follow_up: FollowUp | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    # The end of the follow-up period (closure + FOLLOW_UP_MONTHS), set by `close`: the case's
    # consents end here. Stored in plain text beside the sealed closure, so deciding on access never
    # needs the closure decrypted.
    ends_on: date | None = None

    # -- creation ---------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        person_id: uuid.UUID,
        lead_institution_id: uuid.UUID,
        local_reference: str,
        opened_on: date,
        today: date,
        contact_person: ContactPerson | None = None,
        reassessment_interval_months: int = DEFAULT_REASSESSMENT_INTERVAL_MONTHS,
    ) -> SharedCase:
        _not_in_future(opened_on, today, "opened_on", "Das Eröffnungsdatum")
        _require_reference(local_reference)
        case = cls(
            person_id=person_id,
            opened_on=opened_on,
            lead_institution_id=lead_institution_id,
            participations=[Participation(lead_institution_id, local_reference.strip(), opened_on)],
            reassessment_interval_months=reassessment_interval_months,
        )
        case.set_reassessment_interval(reassessment_interval_months)
        if contact_person is not None:
            case.set_contact_person(contact_person)
        return case

    # -- participants, lead, contact person --------------------------------------------------------

    @property
    def active_participations(self) -> list[Participation]:
        return [p for p in self.participations if p.active]

    def participation_of(self, institution_id: uuid.UUID) -> Participation | None:
        return next((p for p in self.active_participations if p.institution_id == institution_id), None)

    def is_participant(self, institution_id: uuid.UUID) -> bool:
        return self.participation_of(institution_id) is not None

    def add_participant(self, institution_id: uuid.UUID, local_reference: str, on: date, today: date) -> None:
        self._require_not_archived()
        _require_reference(local_reference)
        _not_in_future(on, today, "joined_on", "Das Beitrittsdatum")
        if on < self.opened_on:
            raise InvalidValue("Der Beitritt liegt vor der Fallaufnahme.", "joined_on")
        if self.is_participant(institution_id):
            raise InvariantViolation("Diese Stelle ist bereits am Fall beteiligt.", "institution_id")
        earlier = [p.left_on for p in self.participations if p.institution_id == institution_id and p.left_on]
        if earlier and on < max(earlier):
            raise InvalidValue(
                "Der erneute Beitritt liegt vor dem letzten Austritt dieser Stelle.", "joined_on"
            )
        self.participations.append(Participation(institution_id, local_reference.strip(), on))

    def change_local_reference(self, institution_id: uuid.UUID, local_reference: str) -> None:
        self._require_not_archived()
        _require_reference(local_reference)
        participation = self._require_participation(institution_id)
        participation.local_reference = local_reference.strip()

    def remove_participant(self, institution_id: uuid.UUID, on: date, today: date) -> None:
        self._require_not_archived()
        participation = self._require_participation(institution_id)
        if institution_id == self.lead_institution_id:
            raise InvariantViolation(
                "Die fallführende Stelle kann nicht austreten; übergeben Sie zuerst die Fallführung.",
                "institution_id",
            )
        _not_in_future(on, today, "left_on", "Das Austrittsdatum")
        if on < participation.joined_on:
            raise InvalidValue("Der Austritt liegt vor dem Beitritt.", "left_on")
        participation.left_on = on
        for measure in self.measures:
            if measure.owner_institution_id == institution_id:
                measure.settle_on_closure(
                    on, "Durch den Austritt der Stelle beendet.", MeasureStatus.ENDED_BY_LEAVING
                )
        for invitation in self.pending_invitations():
            if institution_id in (invitation.institution_id, invitation.invited_by_institution_id):
                invitation.status = InvitationStatus.WITHDRAWN
                invitation.answered_on = on

    def hand_over_lead(
        self, institution_id: uuid.UUID, contact_person: ContactPerson | None, *, today: date
    ) -> None:
        """The lead moves; every lead hand-over still proposed lapses (they were the former lead's
        proposals: accepting one later would move the lead again without the new lead's say)."""
        self._move_lead(institution_id, contact_person)
        self._withdraw_lead_proposals(today)

    def _move_lead(self, institution_id: uuid.UUID, contact_person: ContactPerson | None) -> None:
        self._require_phase_open("Die Fallführung")
        self._require_participation(institution_id)
        if institution_id == self.lead_institution_id:
            raise InvariantViolation("Diese Stelle ist bereits fallführend.", "institution_id")
        if contact_person is not None and contact_person.institution_id != institution_id:
            raise InvariantViolation(
                "Die Ansprechperson muss zur fallführenden Stelle gehören.", "contact_person_id"
            )
        self.lead_institution_id = institution_id
        self.contact_person = None
        if contact_person is not None:
            self.set_contact_person(contact_person)

    def _withdraw_lead_proposals(self, today: date, keeping: Invitation | None = None) -> None:
        for invitation in self.pending_invitations():
            if invitation.kind is InvitationKind.LEAD and invitation is not keeping:
                invitation.status = InvitationStatus.WITHDRAWN
                invitation.answered_on = today

    def set_contact_person(self, contact_person: ContactPerson) -> None:
        self._require_not_archived()
        if contact_person.institution_id != self.lead_institution_id:
            raise InvariantViolation(
                "Die Ansprechperson muss zur fallführenden Stelle gehören.", "contact_person_id"
            )
        self.contact_person = contact_person

    def clear_contact_person(self) -> None:
        self._require_not_archived()
        self.contact_person = None

    def set_reassessment_interval(self, months: int) -> None:
        self._require_not_archived()
        if not 1 <= months <= MAX_REASSESSMENT_INTERVAL_MONTHS:
            raise RuleOutOfRange(
                REASSESSMENT_MAX_SIX_MONTHS,
                "reassessment_interval_months",
                f"Das Intervall der Neubeurteilung muss zwischen 1 und "
                f"{MAX_REASSESSMENT_INTERVAL_MONTHS} Monaten liegen.",
            )
        self.reassessment_interval_months = months

    # -- invitations: an institution takes part, or takes the lead, once it accepted --------------

    def pending_invitations(self) -> list[Invitation]:
        return [i for i in self.invitations if i.pending]

    def invitation(self, invitation_id: uuid.UUID) -> Invitation:
        for invitation in self.invitations:
            if invitation.id == invitation_id:
                return invitation
        raise InvalidValue("Diese Einladung gibt es nicht.", "invitation_id")

    def pending_invitation_for(self, institution_id: uuid.UUID) -> Invitation | None:
        return next((i for i in self.pending_invitations() if i.institution_id == institution_id), None)

    def invite(
        self,
        *,
        kind: InvitationKind,
        institution_id: uuid.UUID,
        by_institution_id: uuid.UUID,
        by_user: uuid.UUID,
        today: date,
        local_reference: str = "",
        note: ProcessNote | None = None,
    ) -> Invitation:
        """Invite an institution to take part (any participant may propose; the service decides who)
        or propose the lead to a participant, with a hand-over note."""
        self._require_phase_open("Die Zusammenarbeit")
        self._require_participation(by_institution_id)
        if by_institution_id == institution_id:
            raise InvariantViolation("Eine Stelle kann sich nicht selbst einladen.", "institution_id")
        if self.pending_invitation_for(institution_id) is not None:
            raise InvariantViolation("Für diese Stelle ist bereits eine Einladung offen.", "institution_id")
        if kind is InvitationKind.PARTICIPATION:
            if self.is_participant(institution_id):
                raise InvariantViolation("Diese Stelle ist bereits am Fall beteiligt.", "institution_id")
            if local_reference:
                _require_reference(local_reference)
        else:
            if by_institution_id != self.lead_institution_id:
                raise InvariantViolation("Nur die fallführende Stelle kann die Fallführung übergeben.")
            self._require_participation(institution_id)
            if note is None or note.kind is not NoteKind.HANDOVER:
                raise RuleBroken(LEAD_NEEDS_ACCEPTANCE, "note", "Die Übergabe braucht eine Übergabenotiz.")
        invitation = Invitation(
            kind=kind,
            institution_id=institution_id,
            invited_by_institution_id=by_institution_id,
            invited_by=by_user,
            invited_on=today,
            local_reference=local_reference.strip(),
            note_id=note.id if note is not None else None,
        )
        if note is not None:
            self.notes.append(note)
        self.invitations.append(invitation)
        return invitation

    def accept_invitation(
        self,
        invitation_id: uuid.UUID,
        *,
        by_institution_id: uuid.UUID,
        by_user: uuid.UUID,
        today: date,
        local_reference: str = "",
        contact_person: ContactPerson | None = None,
    ) -> Invitation:
        invitation = self._require_own_pending(invitation_id, by_institution_id)
        if invitation.kind is InvitationKind.PARTICIPATION:
            reference = local_reference.strip() or invitation.local_reference
            if not reference:
                raise InvalidValue("Das Aktenzeichen der Stelle fehlt.", "local_reference")
            self.add_participant(by_institution_id, reference, today, today)
        else:
            if invitation.invited_by_institution_id != self.lead_institution_id:
                # a proposal of a former lead that is still stored as open (from before proposals
                # lapsed with a change of the lead): only the current lead hands the lead over
                raise InvariantViolation(
                    "Diese Übergabe ist verfallen: die Fallführung hat inzwischen gewechselt.",
                    "invitation_id",
                )
            self._move_lead(by_institution_id, contact_person)
            self._withdraw_lead_proposals(today, keeping=invitation)
        invitation.status = InvitationStatus.ACCEPTED
        invitation.answered_on = today
        invitation.answered_by = by_user
        return invitation

    def decline_invitation(
        self,
        invitation_id: uuid.UUID,
        *,
        by_institution_id: uuid.UUID,
        by_user: uuid.UUID,
        reason: ProcessNote,
    ) -> Invitation:
        invitation = self._require_own_pending(invitation_id, by_institution_id)
        if reason.kind is not NoteKind.DECLINE or reason.author_institution_id != by_institution_id:
            raise InvalidValue("Eine Ablehnung braucht eine Begründung.", "reason")
        self.notes.append(reason)
        invitation.status = InvitationStatus.DECLINED
        invitation.answered_on = reason.written_on
        invitation.answered_by = by_user
        invitation.note_id = invitation.note_id or reason.id
        return invitation

    def withdraw_invitation(
        self, invitation_id: uuid.UUID, *, by_institution_id: uuid.UUID, today: date
    ) -> None:
        invitation = self.invitation(invitation_id)
        if not invitation.pending:
            raise InvariantViolation("Diese Einladung ist nicht mehr offen.", "invitation_id")
        if invitation.invited_by_institution_id != by_institution_id:
            raise InvariantViolation("Nur die einladende Stelle kann die Einladung zurückziehen.")
        invitation.status = InvitationStatus.WITHDRAWN
        invitation.answered_on = today

    def _require_own_pending(self, invitation_id: uuid.UUID, institution_id: uuid.UUID) -> Invitation:
        invitation = self.invitation(invitation_id)
        if invitation.institution_id != institution_id:
            raise InvariantViolation("Nur die eingeladene Stelle kann die Einladung beantworten.")
        if not invitation.pending:
            raise InvariantViolation("Diese Einladung ist nicht mehr offen.", "invitation_id")
        self._require_not_archived()
        return invitation

    def note(self, note_id: uuid.UUID) -> ProcessNote | None:
        return next((n for n in self.notes if n.id == note_id), None)

    # -- segmentation ------------------------------------------------------------------------------

    @property
    def current_segment(self) -> Segment | None:
        return self.segment_history[-1].segment if self.segment_history else None

    @property
    def last_segment_assessment(self) -> SegmentAssessment | None:
        return self.segment_history[-1] if self.segment_history else None

    @property
    def reassessment_due_on(self) -> date | None:
        """None while unsegmented and once the case is no longer open."""
        last = self.last_segment_assessment
        if last is None or not self.phase.is_open:
            return None
        return reassessment_due_on(last.assessed_on, self.reassessment_interval_months)

    def is_reassessment_due(self, today: date) -> bool:
        due = self.reassessment_due_on
        return due is not None and due <= today

    def assess_segment(
        self,
        *,
        segment: Segment,
        assessed_on: date,
        reason: ProcessNote | None,
        institution_id: uuid.UUID,
        recorded_by: uuid.UUID,
        now: datetime,
    ) -> SegmentAssessment:
        """The segment letter and date are shared; the reason is a note under its own category."""
        self._require_phase_open("Die Segmentierung")
        self._require_participation(institution_id)
        _not_in_future(assessed_on, now.date(), "assessed_on", "Das Beurteilungsdatum")
        if assessed_on < self.opened_on:
            raise InvalidValue("Die Beurteilung liegt vor der Fallaufnahme.", "assessed_on")
        last = self.last_segment_assessment
        if last is not None and assessed_on < last.assessed_on:
            raise InvalidValue("Die Beurteilung liegt vor der letzten Segmentierung.", "assessed_on")
        if last is not None and segment != last.segment and reason is None:
            raise InvariantViolation("Ein Segmentwechsel braucht eine Begründung.", "reason")
        require_note(reason, NoteKind.SEGMENT_REASON, institution_id)
        entry = SegmentAssessment(
            segment,
            assessed_on,
            "",
            institution_id,
            recorded_by,
            now,
            reason_note_id=reason.id if reason is not None else None,
        )
        self._attach(reason)
        self.segment_history.append(entry)
        return entry

    # -- integration plan --------------------------------------------------------------------------

    def goal(self, goal_id: uuid.UUID) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise InvalidValue("Dieses Ziel gibt es im Integrationsplan nicht.", "goal_id")

    def measure(self, measure_id: uuid.UUID) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise InvalidValue("Diese Massnahme gibt es im Integrationsplan nicht.", "measure_id")

    def add_goal(self, goal: Goal) -> Goal:
        self._require_phase_open("Der Integrationsplan")
        self._check_goal(goal)
        self.goals.append(goal)
        return goal

    def revise_goal(self, goal: Goal) -> None:
        """Validate a goal after its fields were changed in place."""
        self._require_phase_open("Der Integrationsplan")
        goal.validate()
        self._check_goal(goal)

    def _check_goal(self, goal: Goal) -> None:
        self._require_participation(goal.owner_institution_id, "owner_institution_id")
        if goal.target_on is not None and goal.target_on < self.opened_on:
            raise InvalidValue("Das Zieldatum liegt vor der Fallaufnahme.", "target_on")

    def add_measure(self, measure: Measure) -> Measure:
        self._require_phase_open("Der Integrationsplan")
        self._check_measure(measure)
        self.measures.append(measure)
        return measure

    def revise_measure(self, measure: Measure) -> None:
        """Validate a measure after its fields were changed in place."""
        self._require_phase_open("Der Integrationsplan")
        measure.validate()
        self._check_measure(measure)

    def _check_measure(self, measure: Measure) -> None:
        if measure.status.is_settled:
            raise InvalidValue("Dieser Status entsteht nur durch Fallabschluss oder Austritt.", "status")
        segment = self.current_segment
        excluded = SEGMENT_MEASURE_EXCLUSIONS.get(segment, {}) if segment is not None else {}
        if measure.status.is_open and measure.kind in excluded:
            raise RuleBroken(excluded[measure.kind], "kind")
        self._require_participation(measure.owner_institution_id, "owner_institution_id")
        if measure.goal_id is not None:
            self.goal(measure.goal_id)
        if measure.start_on is not None and measure.start_on < self.opened_on:
            raise InvalidValue("Die Massnahme beginnt vor der Fallaufnahme.", "start_on")

    # -- assessments, reviews, conferences, journal ------------------------------------------------

    def record_assessment(self, assessment: Assessment, today: date) -> Assessment:
        self._require_phase_open("Ein Assessment")
        self._require_participation(assessment.author_institution_id, "author_institution_id")
        _not_in_future(assessment.assessed_on, today, "assessed_on", "Das Assessmentdatum")
        if assessment.assessed_on < self.opened_on:
            raise InvalidValue("Das Assessment liegt vor der Fallaufnahme.", "assessed_on")
        self.assessments.append(assessment)
        return assessment

    def record_review(self, review: Review, today: date) -> Review:
        self._require_phase_open("Eine Standortbestimmung")
        self._require_participation(review.institution_id)
        _not_in_future(review.held_on, today, "held_on", "Die Standortbestimmung")
        if review.held_on < self.opened_on:
            raise InvalidValue("Die Standortbestimmung liegt vor der Fallaufnahme.", "held_on")
        for index, progress in enumerate(review.progress):
            try:
                self.goal(progress.goal_id)
            except InvalidValue as error:
                raise InvalidValue(error.message, f"progress.{index}.goal_id") from None
        latest = add_months(review.held_on, self.reassessment_interval_months)
        if review.next_review_on is None:
            review.next_review_on = latest  # each Standortbestimmung sets the next
        elif review.next_review_on > latest:
            raise RuleOutOfRange(
                REASSESSMENT_MAX_SIX_MONTHS,
                "next_review_on",
                f"Die nächste Standortbestimmung ist spätestens am {latest:%d.%m.%Y} fällig.",
            )
        self.reviews.append(review)
        return review

    @property
    def next_review_on(self) -> date | None:
        dated = [r for r in self.reviews if r.next_review_on is not None]
        return max(dated, key=lambda r: r.held_on).next_review_on if dated else None

    def conference(self, conference_id: uuid.UUID) -> CaseConference:
        for conference in self.conferences:
            if conference.id == conference_id:
                return conference
        raise InvalidValue("Diese Fallkonferenz gibt es nicht.", "conference_id")

    def record_minutes(
        self,
        conference_id: uuid.UUID,
        *,
        minutes: ProcessNote,
        client_attended: bool | None,
        action_items: list[ActionItem],
        agreed_goal_ids: list[uuid.UUID],
        institution_id: uuid.UUID,
        today: date,
    ) -> CaseConference:
        """The organiser records the minutes of a scheduled conference once it was held."""
        self._require_not_archived()
        conference = self.conference(conference_id)
        if conference.organiser_institution_id != institution_id:
            raise InvariantViolation("Das Protokoll führt die einladende Stelle.", "conference_id")
        if not conference.scheduled:
            raise InvariantViolation(
                "Das Protokoll dieser Fallkonferenz ist bereits erfasst.", "conference_id"
            )
        _not_in_future(conference.held_on, today, "held_on", "Das Protokoll einer künftigen Fallkonferenz")
        self._check_conference_extras(action_items, agreed_goal_ids)
        if minutes.kind is not NoteKind.MINUTES or minutes.author_institution_id != institution_id:
            raise InvalidValue("Die Beschlüsse der Fallkonferenz fehlen.", "decisions")
        self._attach(minutes)
        conference.minutes_note_id = minutes.id
        conference.client_attends = client_attended
        conference.action_items = list(action_items)
        conference.agreed_goal_ids = list(agreed_goal_ids)
        conference.scheduled = False
        return conference

    def complete_action_item(
        self, item_id: uuid.UUID, institution_id: uuid.UUID, on: date, today: date
    ) -> None:
        self._require_not_archived()
        for conference in self.conferences:
            for item in conference.action_items:
                if item.id == item_id:
                    if item.owner_institution_id != institution_id:
                        raise InvariantViolation("Diese Pendenz gehört einer anderen Stelle.", "item_id")
                    _not_in_future(on, today, "done_on", "Das Erledigungsdatum")
                    item.done_on = on
                    return
        raise InvalidValue("Diese Pendenz gibt es nicht.", "item_id")

    def _check_conference_extras(
        self, action_items: list[ActionItem], agreed_goal_ids: list[uuid.UUID]
    ) -> None:
        for index, item in enumerate(action_items):
            if not self.is_participant(item.owner_institution_id):
                raise InvalidValue(
                    "Diese Stelle ist nicht am Fall beteiligt.", f"action_items.{index}.owner_institution_id"
                )
        for index, goal_id in enumerate(agreed_goal_ids):
            try:
                self.goal(goal_id)
            except InvalidValue as error:
                raise InvalidValue(error.message, f"agreed_goal_ids.{index}") from None

    def record_conference(
        self, conference: CaseConference, today: date, minutes: ProcessNote | None = None
    ) -> CaseConference:
        """Schedule a conference, or record one held with its minutes (a note of their own)."""
        self._require_not_archived()
        require_note(minutes, NoteKind.MINUTES, conference.organiser_institution_id)
        if not conference.scheduled:
            _not_in_future(conference.held_on, today, "held_on", "Die Fallkonferenz")
        self._check_conference_extras(conference.action_items, conference.agreed_goal_ids)
        if conference.held_on < self.opened_on:
            raise InvalidValue("Die Fallkonferenz liegt vor der Fallaufnahme.", "held_on")
        known = {p.institution_id for p in self.participations}
        for index, institution_id in enumerate(conference.participant_institution_ids):
            if institution_id not in known:
                raise InvalidValue(
                    "Diese Stelle ist nicht am Fall beteiligt.", f"participant_institution_ids.{index}"
                )
        self._require_participation(conference.organiser_institution_id)
        if minutes is not None:
            conference.minutes_note_id = minutes.id
            self._attach(minutes)
        self.conferences.append(conference)
        return conference

    def add_journal_entry(self, entry: JournalEntry, today: date) -> JournalEntry:
        self._require_not_archived()
        self._require_participation(entry.author_institution_id)
        _not_in_future(entry.occurred_on, today, "occurred_on", "Das Datum des Eintrags")
        self.journal.append(entry)
        return entry

    # -- intake steps and Mitwirkung -----------------------------------------------------------------

    def record_intake_step(self, record: IntakeRecord, today: date) -> IntakeRecord:
        self._require_phase_open("Die Fallaufnahme")
        self._require_participation(record.institution_id)
        _not_in_future(record.done_on, today, "done_on", "Das Datum des Abklärungsschritts")
        if record.done_on < self.opened_on:
            raise InvalidValue("Der Abklärungsschritt liegt vor der Fallaufnahme.", "done_on")
        self.intake_records.append(record)
        return record

    @property
    def has_kurzassessment(self) -> bool:
        return any(r.step is IntakeStep.KURZASSESSMENT for r in self.intake_records) or any(
            a.kind is AssessmentKind.KURZASSESSMENT for a in self.assessments
        )

    def record_cooperation(self, cooperation: Cooperation, today: date) -> Cooperation:
        self._require_phase_open("Die Mitwirkung")
        if cooperation.institution_id != self.lead_institution_id:
            raise InvariantViolation("Die Mitwirkung hält die fallführende Stelle fest.")
        _not_in_future(cooperation.agreed_on, today, "agreed_on", "Das Datum der Vereinbarung")
        if cooperation.agreed_on < self.opened_on:
            raise InvalidValue("Die Vereinbarung liegt vor der Fallaufnahme.", "agreed_on")
        for index, goal_id in enumerate(cooperation.agreed_goal_ids):
            try:
                self.goal(goal_id)
            except InvalidValue as error:
                raise InvalidValue(error.message, f"agreed_goal_ids.{index}") from None
        self.cooperations.append(cooperation)
        return cooperation

    @property
    def agreed_goal_ids(self) -> frozenset[uuid.UUID]:
        """The goals of the Zielvereinbarung: agreed with the client (Mitwirkung or conference)."""
        ids = {g for c in self.cooperations for g in c.agreed_goal_ids}
        ids |= {g for c in self.conferences if c.client_attends for g in c.agreed_goal_ids}
        return frozenset(ids)

    # -- closure and follow-up ---------------------------------------------------------------------

    def activation_missing(self) -> list[str]:
        """What the intake still lacks before activation (the canton's requirements, as data)."""
        present = {"kurzassessment": self.has_kurzassessment, "segment": self.current_segment is not None}
        return [name for name, ok in present.items() if not ok]

    def activate(self) -> None:
        """End of intake: needs the Kurzassessment and a first segmentation."""
        missing = self.activation_missing()
        if "kurzassessment" in missing:
            raise RuleBroken(ACTIVATION_NEEDS_KURZASSESSMENT, "kurzassessment")
        if "segment" in missing:
            raise RuleBroken(ACTIVATION_NEEDS_SEGMENT, "segment")
        self._transition(CasePhase.ACTIVE)

    def close(
        self,
        *,
        reason: ClosureReason,
        closed_on: date,
        note: ProcessNote | None,
        institution_id: uuid.UUID,
        recorded_by: uuid.UUID,
        today: date,
        remaining: ProcessNote | None = None,
    ) -> Closure:
        """The closure's date and reason are shared; its note and what remains are notes of their own."""
        self._require_participation(institution_id)
        if institution_id != self.lead_institution_id:
            raise InvariantViolation("Nur die fallführende Stelle kann den Fall abschliessen.")
        _not_in_future(closed_on, today, "closed_on", "Das Abschlussdatum")
        if closed_on < self.opened_on:
            raise InvalidValue("Der Abschluss liegt vor der Fallaufnahme.", "closed_on")
        last = self.last_segment_assessment
        if last is not None and closed_on < last.assessed_on:
            raise InvalidValue("Der Abschluss liegt vor der letzten Segmentierung.", "closed_on")
        if reason is ClosureReason.TEILABLOESUNG and remaining is None:
            raise InvalidValue(
                "Bei einer Teilablösung ist festzuhalten, welche Unterstützung bleibt.", "remaining"
            )
        require_note(note, NoteKind.CLOSURE, institution_id)
        require_note(remaining, NoteKind.REMAINING, institution_id)
        self._transition(CasePhase.CLOSED)
        for measure in self.measures:  # only the closing institution's own measures end
            if measure.owner_institution_id == institution_id:
                measure.settle_on_closure(closed_on)
        self._attach(note)
        self._attach(remaining)
        self.closure = Closure(
            closed_on,
            reason,
            "",
            institution_id,
            recorded_by,
            note_id=note.id if note is not None else None,
            remaining_note_id=remaining.id if remaining is not None else None,
        )
        self.ends_on = follow_up_ends_on(closed_on)
        if reason.is_detachment:
            self.follow_up = FollowUp(self.ends_on, institution_id)
        return self.closure

    def start_follow_up(self, started_on: date, today: date) -> FollowUp:
        follow_up = self._require_pending_follow_up()
        self._check_follow_up_date(started_on, today, "started_on")
        self._transition(CasePhase.FOLLOW_UP)
        follow_up.started_on = started_on
        return follow_up

    def complete_follow_up(
        self,
        result: FollowUpResult,
        completed_on: date,
        note: ProcessNote | None,
        today: date,
        early_end: EarlyEnd | None = None,
    ) -> None:
        follow_up = self._require_pending_follow_up()
        require_note(note, NoteKind.FOLLOW_UP, follow_up.institution_id)
        self._check_follow_up_date(completed_on, today, "completed_on")
        if follow_up.started_on is not None and completed_on < follow_up.started_on:
            raise InvalidValue("Die Nachbetreuung endet vor ihrem Beginn.", "completed_on")
        if completed_on < follow_up.due_on and early_end is None:
            raise RuleConflict(
                FOLLOW_UP_AFTER_SIX_MONTHS,
                "completed_on",
                f"Die Nachbetreuung läuft bis zum {follow_up.due_on:%d.%m.%Y}.",
            )
        self._transition(CasePhase.ARCHIVED)
        follow_up.started_on = follow_up.started_on or completed_on
        follow_up.completed_on = completed_on
        follow_up.result = result
        follow_up.note_id = note.id if note is not None else None
        follow_up.early_end = early_end
        self._attach(note)

    def archive(self) -> None:
        """Archive a closed case that needs no follow-up."""
        if self.follow_up is not None and self.follow_up.completed_on is None:
            raise InvariantViolation("Die Nachbetreuung ist noch offen.", "follow_up")
        self._transition(CasePhase.ARCHIVED)

    def _require_pending_follow_up(self) -> FollowUp:
        if self.phase not in (CasePhase.CLOSED, CasePhase.FOLLOW_UP) or self.closure is None:
            raise PhaseConflict("Die Nachbetreuung ist erst nach dem Fallabschluss möglich.")
        if self.follow_up is None or self.follow_up.completed_on is not None:
            raise InvariantViolation("Für diesen Fall ist keine Nachbetreuung offen.", "follow_up")
        return self.follow_up

    def _check_follow_up_date(self, on: date, today: date, field_name: str) -> None:
        assert self.closure is not None
        _not_in_future(on, today, field_name, "Das Datum der Nachbetreuung")
        if on < self.closure.closed_on:
            raise InvalidValue("Die Nachbetreuung liegt vor dem Fallabschluss.", field_name)

    def settle_end(self) -> None:
        """Derive `ends_on` from the closure (cases closed before the column existed)."""
        if self.closure is not None and self.ends_on is None:
            self.ends_on = (
                self.follow_up.due_on if self.follow_up else follow_up_ends_on(self.closure.closed_on)
            )

    # -- every data item with its category and owner -------------------------------------------------

    def items(self) -> Iterator[CaseItem]:
        yield from self.participations
        yield from self.segment_history
        yield from self.goals
        yield from self.measures
        yield from self.assessments
        yield from self.reviews
        yield from self.conferences
        yield from self.journal
        yield from self.intake_records
        yield from self.cooperations
        yield from self.notes

    # -- helpers -----------------------------------------------------------------------------------

    def _attach(self, note: ProcessNote | None) -> None:
        if note is not None:
            self.notes.append(note)

    def _transition(self, target: CasePhase) -> None:
        if target not in TRANSITIONS[self.phase]:
            raise PhaseConflict(
                f"Ein Fall in der Phase «{self.phase.label}» kann nicht in die Phase "
                f"«{target.label}» wechseln."
            )
        self.phase = target

    def _require_phase_open(self, what: str) -> None:
        if not self.phase.is_open:
            raise PhaseConflict(f"{what} kann in der Phase «{self.phase.label}» nicht mehr geändert werden.")

    def _require_not_archived(self) -> None:
        if self.phase is CasePhase.ARCHIVED:
            raise PhaseConflict("Ein archivierter Fall kann nicht mehr geändert werden.")

    def _require_participation(
        self, institution_id: uuid.UUID, field_name: str = "institution_id"
    ) -> Participation:
        participation = self.participation_of(institution_id)
        if participation is None:
            raise InvariantViolation("Diese Stelle ist nicht am Fall beteiligt.", field_name)
        return participation


def _require_reference(local_reference: str) -> None:
    if not local_reference.strip():
        raise InvalidValue("Das Aktenzeichen der Stelle fehlt.", "local_reference")
    if len(local_reference) > 64:
        raise InvalidValue("Das Aktenzeichen ist zu lang (höchstens 64 Zeichen).", "local_reference")


def _not_in_future(value: date, today: date, field_name: str, what: str) -> None:
    if value > today:
        raise InvalidValue(f"{what} darf nicht in der Zukunft liegen.", field_name)
