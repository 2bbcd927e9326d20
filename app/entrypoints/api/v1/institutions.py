"""The directory of institutions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.domain.institutions import InstitutionKind
from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import json_response
from app.entrypoints.api.v1.schemas.common import Out
from app.services.institutions import list_institutions

router = APIRouter(prefix="/institutions", tags=["Stellen"])


class InstitutionOut(Out):
    id: uuid.UUID
    kind: InstitutionKind
    code: str
    name: str
    active: bool


class InstitutionListOut(Out):
    items: list[InstitutionOut]


@router.get("", response_model=InstitutionListOut)
def institutions(uow: Uow, ctx: Context) -> JSONResponse:
    """Alle Stellen der IIZ (Sozialdienste, RAV, IV-Stelle, Kanton)."""
    items = [InstitutionOut.model_validate(i) for i in list_institutions(uow, ctx.principal)]
    return json_response(InstitutionListOut(items=items))
