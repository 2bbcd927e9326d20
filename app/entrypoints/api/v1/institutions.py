"""The directory of institutions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.domain.institutions import InstitutionKind
from app.entrypoints.api.deps import Uow
from app.entrypoints.api.short_work import DeferredContext, short_work
from app.entrypoints.api.v1.responses import json_response
from app.entrypoints.api.v1.schemas.common import Out
from app.services.context import RequestContext
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
async def institutions(request: Request, uow: Uow, context: DeferredContext) -> JSONResponse:
    """Alle Stellen der IIZ (Sozialdienste, RAV, IV-Stelle, Kanton)."""

    def work(ctx: RequestContext) -> JSONResponse:
        items = [InstitutionOut.model_validate(i) for i in list_institutions(uow, ctx.principal)]
        return json_response(InstitutionListOut(items=items))

    return await short_work(request, context, work)
