"""The shared case: open, list, read, change settings, activate, archive."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from app.domain.cases import CasePhase, Segment
from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, container_of, expected_tag
from app.entrypoints.api.short_work import DeferredContext, short_work
from app.entrypoints.api.v1.responses import CASE_CHANGE_ERRORS, case_response, json_response, problems
from app.entrypoints.api.v1.schemas.case_in import CaseIn, CasePatch
from app.entrypoints.api.v1.schemas.case_list import CaseListItemOut, CasePageOut
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services import cases as service
from app.services import closure, segmentation
from app.services.context import RequestContext
from app.services.ports import CaseFilter

router = APIRouter(prefix="/cases", tags=["Fälle"])


@router.post("", status_code=201, response_model=CaseOut, responses=problems(404, 422))
def open_case(body: CaseIn, request: Request, uow: Uow, ctx: Context) -> JSONResponse:
    """Einen gemeinsamen Fall eröffnen; die eigene Stelle wird fallführend."""
    settings = container_of(request).settings
    view = service.open_case(
        uow,
        ctx,
        service.OpenCase(
            person_id=body.person_id,
            local_reference=body.local_reference,
            opened_on=body.opened_on,
            contact_person_id=body.contact_person_id,
            reassessment_interval_months=body.reassessment_interval_months,
        ),
        settings.reassessment_interval_months,
    )
    return case_response(request, view, ctx, 201)


@router.get("", response_model=CasePageOut, responses=problems(422))
async def list_cases(
    request: Request,
    uow: Uow,
    context: DeferredContext,
    segment: Segment | None = None,
    phase: CasePhase | None = None,
    reassessment_due: Annotated[bool, Query(description="Nur Fälle mit fälliger Neubeurteilung")] = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = 25,
) -> JSONResponse:
    """Fälle, an denen die eigene Stelle beteiligt ist, neueste zuerst."""

    def work(ctx: RequestContext) -> JSONResponse:
        case_filter = CaseFilter(segment, phase, ctx.today if reassessment_due else None)
        page = service.list_cases(uow, ctx, case_filter, cursor, limit)
        items = [CaseListItemOut.of(i, ctx.today) for i in page.items]
        return json_response(CasePageOut(items=items, next_cursor=page.next_cursor))

    return await short_work(request, context, work)


@router.get("/{case_id}", response_model=CaseOut, responses=problems(404))
async def get_case(case_id: uuid.UUID, request: Request, uow: Uow, context: DeferredContext) -> JSONResponse:
    """Den Fall lesen; nicht freigegebene Kategorien fehlen in der Antwort."""

    def work(ctx: RequestContext) -> JSONResponse:
        return case_response(request, service.get_case(uow, ctx, case_id), ctx)

    return await short_work(request, context, work)


@router.patch("/{case_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def change_case(
    case_id: uuid.UUID,
    body: CasePatch,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Ansprechperson oder Intervall der Neubeurteilung ändern (fallführende Stelle)."""
    settings = service.CaseSettings(**body.model_dump(exclude_unset=True))
    view = service.change_case_settings(uow, ctx, case_id, expected_tag(if_match, required=True), settings)
    return case_response(request, view, ctx)


@router.post("/{case_id}/activation", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def activate_case(
    case_id: uuid.UUID, request: Request, uow: Uow, ctx: Context, if_match: IfMatchHeader = None
) -> JSONResponse:
    """Die Fallaufnahme abschliessen; verlangt eine Segmentierung."""
    view = segmentation.activate_case(uow, ctx, case_id, expected_tag(if_match, required=False))
    return case_response(request, view, ctx)


@router.post("/{case_id}/archive", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def archive_case(
    case_id: uuid.UUID, request: Request, uow: Uow, ctx: Context, if_match: IfMatchHeader = None
) -> JSONResponse:
    """Einen abgeschlossenen Fall ohne offene Nachbetreuung archivieren."""
    view = closure.archive_case(uow, ctx, case_id, expected_tag(if_match, required=False))
    return case_response(request, view, ctx)
