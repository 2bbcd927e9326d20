"""Closure and follow-up."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_tag
from app.entrypoints.api.v1.responses import CASE_APPEND_ERRORS, case_response
from app.entrypoints.api.v1.schemas.case_in import ClosureIn, FollowUpResultIn, FollowUpStartIn
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services import closure

router = APIRouter(prefix="/cases/{case_id}", tags=["Fallabschluss und Nachbetreuung"])


@router.post("/closure", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def close_case(
    case_id: uuid.UUID,
    body: ClosureIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Den Fall abschliessen (fallführende Stelle); offene Massnahmen werden beendet."""
    view = closure.close_case(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.reason,
        body.closed_on,
        body.note,
        body.remaining,
        body.category,
    )
    return case_response(request, view, ctx)


@router.post("/follow-up", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def start_follow_up(
    case_id: uuid.UUID,
    body: FollowUpStartIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Die Nachbetreuung nach dem Abschluss beginnen."""
    view = closure.start_follow_up(uow, ctx, case_id, expected_tag(if_match, required=False), body.started_on)
    return case_response(request, view, ctx)


@router.post("/follow-up/result", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def complete_follow_up(
    case_id: uuid.UUID,
    body: FollowUpResultIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Das Ergebnis der Nachbetreuung festhalten; der Fall wird archiviert."""
    view = closure.complete_follow_up(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.result,
        body.completed_on,
        body.note,
        body.early_end,
        body.category,
    )
    return case_response(request, view, ctx)
