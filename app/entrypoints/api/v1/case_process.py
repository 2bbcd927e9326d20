"""The IIZ process on a case: invitations and their answers, lead hand-over, intake steps,
Mitwirkung, case conferences with action items."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_tag
from app.entrypoints.api.v1.responses import (
    CASE_ADD_ERRORS,
    CASE_APPEND_ERRORS,
    CASE_CHANGE_ERRORS,
    case_response,
)
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.entrypoints.api.v1.schemas.process_in import (
    AcceptIn,
    ActionItemDoneIn,
    ConferencePlanIn,
    CooperationIn,
    DeclineIn,
    IntakeStepIn,
    InvitationIn,
    LeadHandoverIn,
    MinutesIn,
)
from app.services import conferences, intake, invitations

router = APIRouter(prefix="/cases/{case_id}", tags=["IIZ-Ablauf"])


@router.post("/invitations", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def invite(
    case_id: uuid.UUID,
    body: InvitationIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine Stelle zur Mitarbeit einladen (fallführende Stelle); sie nimmt erst nach Annahme teil."""
    view = invitations.invite_institution(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.institution_id,
        body.local_reference,
    )
    return case_response(request, view, ctx)


@router.post("/invitations/{invitation_id}/accept", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def accept(
    case_id: uuid.UUID, invitation_id: uuid.UUID, body: AcceptIn, request: Request, uow: Uow, ctx: Context
) -> JSONResponse:
    """Eine Einladung annehmen (eingeladene Stelle): Mitarbeit oder Übernahme der Fallführung."""
    answer = invitations.Answer(True, body.local_reference, body.contact_person_id)
    view = invitations.answer_invitation(uow, ctx, case_id, invitation_id, answer)
    assert view is not None
    return case_response(request, view, ctx)


@router.post("/invitations/{invitation_id}/decline", status_code=204, responses=CASE_APPEND_ERRORS)
def decline(
    case_id: uuid.UUID, invitation_id: uuid.UUID, body: DeclineIn, uow: Uow, ctx: Context
) -> Response:
    """Eine Einladung mit Begründung ablehnen (eingeladene Stelle)."""
    answer = invitations.Answer(False, reason=body.reason, category=body.category)
    invitations.answer_invitation(uow, ctx, case_id, invitation_id, answer)
    return Response(status_code=204)


@router.delete("/invitations/{invitation_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def withdraw(
    case_id: uuid.UUID,
    invitation_id: uuid.UUID,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine offene Einladung zurückziehen (einladende Stelle)."""
    view = invitations.withdraw_invitation(
        uow, ctx, case_id, expected_tag(if_match, required=False), invitation_id
    )
    return case_response(request, view, ctx)


@router.post("/lead-handover", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def propose_lead_handover(
    case_id: uuid.UUID,
    body: LeadHandoverIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Die Fallführung mit Übergabenotiz anbieten; bis zur Annahme bleibt die bisherige Stelle fallführend."""
    view = invitations.propose_lead_handover(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.institution_id,
        body.note,
        body.category,
    )
    return case_response(request, view, ctx)


@router.post("/intake-steps", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def record_intake_step(
    case_id: uuid.UUID,
    body: IntakeStepIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Einen Schritt der Fallaufnahme mit Ergebnis festhalten (Bedürftigkeit, Subsidiarität, KA)."""
    new = intake.NewIntakeStep(body.step, body.outcome, body.summary, body.done_on, body.category)
    view = intake.record_intake_step(uow, ctx, case_id, expected_tag(if_match, required=False), new)
    return case_response(request, view, ctx)


@router.post("/cooperation", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def record_cooperation(
    case_id: uuid.UUID,
    body: CooperationIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Die Mitwirkung und die Zielvereinbarung mit der Klientin festhalten (fallführende Stelle)."""
    new = intake.NewCooperation(
        body.form, list(body.agreed_goal_ids), body.strategy, body.agreed_on, body.document_id
    )
    view = intake.record_cooperation(uow, ctx, case_id, expected_tag(if_match, required=False), new)
    return case_response(request, view, ctx)


@router.post("/conferences/scheduled", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def schedule_conference(
    case_id: uuid.UUID,
    body: ConferencePlanIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    """Eine Fallkonferenz planen (Datum auch in der Zukunft, eingeladene Stellen, Teilnahme der Klientin)."""
    plan = conferences.ConferencePlan(
        body.planned_on, list(body.invited_institution_ids), body.client_attends
    )
    view = conferences.schedule_conference(uow, ctx, case_id, None, plan)
    return case_response(request, view, ctx, 201)


@router.post("/conferences/{conference_id}/minutes", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def record_minutes(
    case_id: uuid.UUID,
    conference_id: uuid.UUID,
    body: MinutesIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Das Protokoll einer Fallkonferenz: Beschlüsse als Pendenzen mit Termin, vereinbarte Ziele."""
    minutes = conferences.Minutes(
        body.decisions,
        body.category,
        body.client_attended,
        [conferences.NewActionItem(a.title, a.owner_institution_id, a.due_on) for a in body.action_items],
        list(body.agreed_goal_ids),
    )
    view = conferences.record_minutes(
        uow, ctx, case_id, expected_tag(if_match, required=False), conference_id, minutes
    )
    return case_response(request, view, ctx)


@router.post("/action-items/{item_id}/done", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def complete_action_item(
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    body: ActionItemDoneIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine Pendenz aus der Fallkonferenz als erledigt melden (zuständige Stelle)."""
    view = conferences.complete_action_item(
        uow, ctx, case_id, expected_tag(if_match, required=False), item_id, body.done_on
    )
    return case_response(request, view, ctx)
