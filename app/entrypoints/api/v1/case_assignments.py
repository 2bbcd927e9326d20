"""Need-to-know within an institution (assignments) and the supervisor's break-glass opening."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from app.domain.assignments import CaseAssignment
from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.access import (
    AssignmentIn,
    AssignmentListOut,
    AssignmentOut,
    BreakGlassIn,
    BreakGlassOut,
)
from app.services import assignments, break_glass

router = APIRouter(prefix="/cases/{case_id}", tags=["Zuteilung und Notfallzugriff"])


def _out(a: CaseAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=a.id,
        case_id=a.case_id,
        user_id=a.user_id,
        institution_id=a.institution_id,
        assigned_by=a.assigned_by_id,
        assigned_at=a.assigned_at,
    )


@router.get("/assignments", response_model=AssignmentListOut, responses=problems(403, 404))
def list_assignments(case_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Wer von der eigenen Stelle dem Fall zugeteilt ist."""
    found = assignments.list_assignments(uow, ctx, case_id)
    return json_response(AssignmentListOut(items=[_out(a) for a in found]))


@router.post("/assignments", status_code=201, response_model=AssignmentOut, responses=problems(403, 404, 422))
def assign(case_id: uuid.UUID, body: AssignmentIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Fallbearbeiterin oder einen Fallbearbeiter der eigenen Stelle zuteilen (Leitung)."""
    return json_response(_out(assignments.assign_caseworker(uow, ctx, case_id, body.user_id)), 201)


@router.delete("/assignments/{user_id}", status_code=204, responses=problems(403, 404, 422))
def unassign(case_id: uuid.UUID, user_id: uuid.UUID, uow: Uow, ctx: Context) -> Response:
    """Eine Zuteilung aufheben (Leitung)."""
    assignments.unassign_caseworker(uow, ctx, case_id, user_id)
    return Response(status_code=204)


@router.post("/break-glass", status_code=201, response_model=BreakGlassOut, responses=problems(403, 404, 422))
def open_break_glass(case_id: uuid.UUID, body: BreakGlassIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Notfallzugriff (Leitung): befristet, nur lesend, mit schriftlicher Begründung; der DSB gemeldet."""
    opening = break_glass.open_break_glass(uow, ctx, case_id, body.reason)
    return json_response(
        BreakGlassOut(
            id=opening.id, case_id=opening.case_id, opened_at=opening.opened_at, expires_at=opening.expires_at
        ),
        201,
    )
