"""Who works on the case: participants, their references, the lead."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_tag
from app.entrypoints.api.v1.responses import CASE_APPEND_ERRORS, CASE_CHANGE_ERRORS, case_response
from app.entrypoints.api.v1.schemas.case_in import LeadIn, ParticipantIn, ParticipantPatch
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services import invitations
from app.services import participants as service

router = APIRouter(prefix="/cases/{case_id}", tags=["Beteiligte und Fallführung"])


@router.post("/participants", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def add_participant(
    case_id: uuid.UUID,
    body: ParticipantIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine weitere Stelle in den Fall aufnehmen (fallführende Stelle)."""
    view = service.add_participant(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.institution_id,
        body.local_reference,
        body.joined_on,
    )
    return case_response(request, view, ctx)


@router.patch("/participants/{institution_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def change_local_reference(
    case_id: uuid.UUID,
    institution_id: uuid.UUID,
    body: ParticipantPatch,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Das eigene Aktenzeichen ändern (nur für die eigene Stelle)."""
    view = service.change_local_reference(
        uow, ctx, case_id, expected_tag(if_match, required=True), institution_id, body.local_reference
    )
    return case_response(request, view, ctx)


@router.delete("/participants/{institution_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def remove_participant(
    case_id: uuid.UUID,
    institution_id: uuid.UUID,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine Stelle tritt aus dem Fall aus; die fallführende Stelle kann nicht austreten."""
    view = service.remove_participant(
        uow, ctx, case_id, expected_tag(if_match, required=True), institution_id, None
    )
    return case_response(request, view, ctx)


@router.put("/lead", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def hand_over_lead(
    case_id: uuid.UUID, body: LeadIn, request: Request, uow: Uow, ctx: Context, if_match: IfMatchHeader = None
) -> JSONResponse:
    """Die Fallführung mit Übergabenotiz anbieten (wie POST /lead-handover); sie geht erst mit der
    Annahme der empfangenden Stelle über. Ohne Notiz: 409, Regel iiz.fallfuehrung.annahme."""
    version = expected_tag(if_match, required=True)
    if not body.note.strip():
        view = service.hand_over_lead(uow, ctx, case_id, version, body.institution_id, body.contact_person_id)
    else:
        view = invitations.propose_lead_handover(
            uow, ctx, case_id, version, body.institution_id, body.note, body.category
        )
    return case_response(request, view, ctx)
