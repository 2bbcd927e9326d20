"""The case as a response: one section per data category the caller may see.

A section the policy withholds is absent from the body, exactly like a category the case holds
nothing of, so absence reveals nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import Field

from app.domain.cases import (
    AgreementForm,
    AssessmentKind,
    CasePhase,
    ClosureReason,
    EarlyEnd,
    FollowUpResult,
    GoalStatus,
    IntakeOutcome,
    IntakeStep,
    InvitationKind,
    InvitationStatus,
    MeasureKind,
    MeasureStatus,
    NoteKind,
    ProgressRating,
    Segment,
)
from app.domain.categories import DataCategory
from app.domain.figures.facts import CostBearer
from app.domain.institutions import InstitutionKind
from app.entrypoints.api.v1.schemas.common import Out
from app.entrypoints.api.v1.schemas.persons import PersonOut
from app.services.case_view import CaseView

NOTE_ID = "Der Text ist eine Notiz (Abschnitt notes) in der Kategorie, die seine Autorin wählte"


class ItemOut(Out):
    id: uuid.UUID
    category: DataCategory
    owner_institution_id: uuid.UUID


ItemOutT = TypeVar("ItemOutT", bound=ItemOut)


class ParticipantOut(ItemOut):
    institution_id: uuid.UUID
    local_reference: str
    joined_on: date
    left_on: date | None


class SegmentAssessmentOut(ItemOut):
    segment: Segment
    assessed_on: date
    reason: str = Field(description="Leer: die Begründung ist die Notiz reason_note_id")
    institution_id: uuid.UUID
    recorded_at: datetime
    reason_note_id: uuid.UUID | None = Field(default=None, description=NOTE_ID)


class GoalOut(ItemOut):
    title: str
    description: str
    target_on: date | None
    status: GoalStatus
    agreed_with_client: bool = Field(default=False, description="Mit der Klientin / dem Klienten vereinbart")


class MeasureOut(ItemOut):
    title: str
    kind: MeasureKind
    provider: str
    goal_id: uuid.UUID | None
    start_on: date | None
    end_on: date | None
    status: MeasureStatus
    outcome: str
    cost_bearer: CostBearer | None = None
    proposed_to: uuid.UUID | None = Field(
        default=None,
        description="Vorgeschlagen für diese Stelle; mit der Annahme übernimmt sie die Massnahme",
    )


class AssessmentOut(ItemOut):
    kind: AssessmentKind
    assessed_on: date
    author_institution_id: uuid.UUID
    findings: str
    recommendation: str


class GoalProgressOut(Out):
    goal_id: uuid.UUID
    rating: ProgressRating
    comment: str


class ReviewOut(ItemOut):
    held_on: date
    institution_id: uuid.UUID
    progress: list[GoalProgressOut]
    summary: str
    next_review_on: date | None


class ActionItemOut(Out):
    id: uuid.UUID
    title: str
    owner_institution_id: uuid.UUID
    due_on: date
    done_on: date | None


class ConferenceOut(ItemOut):
    held_on: date
    organiser_institution_id: uuid.UUID
    participant_institution_ids: list[uuid.UUID]
    decisions: str = Field(description="Leer: die Beschlüsse sind die Notiz minutes_note_id")
    minutes_note_id: uuid.UUID | None = Field(default=None, description=NOTE_ID)
    scheduled: bool = Field(description="Geplant; das Protokoll fehlt noch")
    client_attends: bool | None
    action_items: list[ActionItemOut]
    agreed_goal_ids: list[uuid.UUID]


class IntakeStepOut(ItemOut):
    step: IntakeStep
    outcome: IntakeOutcome
    done_on: date
    institution_id: uuid.UUID
    summary: str


class CooperationOut(ItemOut):
    agreed_on: date
    form: AgreementForm
    agreed_goal_ids: list[uuid.UUID]
    institution_id: uuid.UUID
    strategy: str
    document_id: uuid.UUID | None


class NoteOut(ItemOut):
    kind: NoteKind
    text: str
    author_institution_id: uuid.UUID
    written_on: date


class InvitationOut(Out):  # structured facts of the shared core
    id: uuid.UUID
    kind: InvitationKind
    institution_id: uuid.UUID
    invited_by_institution_id: uuid.UUID
    invited_on: date
    status: InvitationStatus
    answered_on: date | None
    note_id: uuid.UUID | None


class JournalEntryOut(ItemOut):
    occurred_on: date
    author_institution_id: uuid.UUID
    subject: str
    text: str
    recorded_at: datetime


class ClosureOut(ItemOut):
    closed_on: date
    reason: ClosureReason
    note: str = Field(description="Leer: die Bemerkung ist die Notiz note_id")
    institution_id: uuid.UUID
    remaining: str = Field(description="Leer: die verbleibende Unterstützung ist die Notiz remaining_note_id")
    note_id: uuid.UUID | None = Field(default=None, description=NOTE_ID)
    remaining_note_id: uuid.UUID | None = Field(default=None, description=NOTE_ID)


class FollowUpOut(ItemOut):
    due_on: date
    started_on: date | None
    completed_on: date | None
    result: FollowUpResult | None
    note: str = Field(description="Leer: die Bemerkung ist die Notiz note_id")
    early_end: EarlyEnd | None
    note_id: uuid.UUID | None = Field(default=None, description=NOTE_ID)


class ContactPersonOut(Out):
    user_id: uuid.UUID
    institution_id: uuid.UUID
    display_name: str | None


class SegmentOut(Out):
    current: Segment | None
    reassessment_due_on: date | None
    reassessment_due: bool = Field(description="Neubeurteilung heute fällig oder überfällig")
    history: list[SegmentAssessmentOut]


class DossierOut(ItemOut):
    """An institution's dossier as its own system imported it (facts only, no free text)."""

    kind: InstitutionKind
    basis: str = Field(description="Grundlage: own, participation, consent:<id>, rule:<id>, break_glass:<id>")
    registered_on: date
    facts: dict[str, Any]


class CategorySection(Out):
    """Everything of one category the caller may see, grouped by kind."""

    dossiers: list[DossierOut] = []
    goals: list[GoalOut] = []
    measures: list[MeasureOut] = []
    reviews: list[ReviewOut] = []
    assessments: list[AssessmentOut] = []
    conferences: list[ConferenceOut] = []
    journal: list[JournalEntryOut] = []
    intake_steps: list[IntakeStepOut] = []
    cooperations: list[CooperationOut] = []
    notes: list[NoteOut] = []


class FallfuehrungSection(CategorySection):
    phase: CasePhase | None = None
    opened_on: date | None = None
    lead_institution_id: uuid.UUID | None = None
    contact_person: ContactPersonOut | None = None
    reassessment_interval_months: int | None = None
    segment: SegmentOut | None = None
    participants: list[ParticipantOut] = []
    closure: ClosureOut | None = None
    follow_up: FollowUpOut | None = None
    invitations: list[InvitationOut] = []
    activation_missing: list[str] = Field(
        default=[], description="Was vor der Aktivierung noch fehlt (kurzassessment, segment)"
    )
    next_review_on: date | None = None


class CaseOut(Out):
    id: uuid.UUID
    version: int
    person_id: uuid.UUID
    categories: list[DataCategory] = Field(description="Kategorien, die in dieser Antwort enthalten sind")
    stammdaten: PersonOut | None = None
    fallfuehrung: FallfuehrungSection | None = None
    integrationsplan: CategorySection | None = None
    potenzial: CategorySection | None = None
    arbeitsmarkt: CategorySection | None = None
    gesundheit: CategorySection | None = None
    sozialhilfe: CategorySection | None = None

    @classmethod
    def of(cls, view: CaseView, today: date) -> CaseOut:
        sections: dict[DataCategory, dict[str, list[Any]]] = {}

        def put(kind: str, items: list[Any], schema: type[ItemOut]) -> None:
            for item in items:
                sections.setdefault(item.category, {}).setdefault(kind, []).append(_out(schema, item))

        agreed = view.case.agreed_goal_ids
        for goal in view.goals:
            out = _out(GoalOut, goal).model_copy(update={"agreed_with_client": goal.id in agreed})
            sections.setdefault(goal.category, {}).setdefault("goals", []).append(out)
        put("measures", view.measures, MeasureOut)
        put("reviews", view.reviews, ReviewOut)
        put("assessments", view.assessments, AssessmentOut)
        put("conferences", view.conferences, ConferenceOut)
        put("journal", view.journal, JournalEntryOut)
        put("dossiers", view.dossiers, DossierOut)
        put("intake_steps", view.intake_records, IntakeStepOut)
        put("cooperations", view.cooperations, CooperationOut)
        put("notes", view.notes, NoteOut)

        body: dict[str, Any] = {
            "id": view.case.id,
            "version": view.case.version,
            "person_id": view.case.person_id,
        }
        if view.person is not None:
            body["stammdaten"] = PersonOut.of(view.person)
        if view.show_core:
            sections.setdefault(DataCategory.FALLFUEHRUNG, {}).update(_core(view, today))
        for category, content in sections.items():
            section_type = FallfuehrungSection if category is DataCategory.FALLFUEHRUNG else CategorySection
            body[category.value] = section_type(**content)
        body["categories"] = [c for c in DataCategory if c.value in body]
        # Only what was set is serialised (see response_model_exclude_unset in the routers).
        return cls(**body)


def _out(schema: type[ItemOutT], item: Any) -> ItemOutT:
    return schema.model_validate(item, from_attributes=True)


def _core(view: CaseView, today: date) -> dict[str, Any]:
    case = view.case
    contact = None
    if case.contact_person is not None:
        contact = ContactPersonOut(
            user_id=case.contact_person.user_id,
            institution_id=case.contact_person.institution_id,
            display_name=view.contact_display_name,
        )
    return {
        "phase": case.phase,
        "opened_on": case.opened_on,
        "lead_institution_id": case.lead_institution_id,
        "contact_person": contact,
        "reassessment_interval_months": case.reassessment_interval_months,
        "segment": SegmentOut(
            current=case.current_segment,
            reassessment_due_on=case.reassessment_due_on,
            reassessment_due=case.is_reassessment_due(today),
            history=[_out(SegmentAssessmentOut, s) for s in view.segment_history],
        ),
        "participants": [_out(ParticipantOut, p) for p in view.participations],
        "closure": _out(ClosureOut, view.closure) if view.closure else None,
        "follow_up": _out(FollowUpOut, view.follow_up) if view.follow_up else None,
        "invitations": [InvitationOut.model_validate(i, from_attributes=True) for i in view.invitations],
        "activation_missing": case.activation_missing() if case.phase is CasePhase.INTAKE else [],
        "next_review_on": case.next_review_on,
    }
