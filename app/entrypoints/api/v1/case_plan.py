"""Segmentation and the integration plan."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_tag
from app.entrypoints.api.v1.responses import (
    CASE_ADD_ERRORS,
    CASE_APPEND_ERRORS,
    CASE_CHANGE_ERRORS,
    case_response,
)
from app.entrypoints.api.v1.schemas.case_in import GoalIn, GoalPatch, MeasureIn, MeasurePatch, SegmentIn
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services import plan, segmentation

router = APIRouter(prefix="/cases/{case_id}", tags=["Segmentierung und Integrationsplan"])


@router.post("/segment", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def assess_segment(
    case_id: uuid.UUID,
    body: SegmentIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Segment (neu) beurteilen; ein Wechsel braucht eine Begründung."""
    view = segmentation.assess_segment(
        uow,
        ctx,
        case_id,
        expected_tag(if_match, required=False),
        body.segment,
        body.assessed_on,
        body.reason,
        body.category,
    )
    return case_response(request, view, ctx)


@router.post("/plan/goals", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def add_goal(case_id: uuid.UUID, body: GoalIn, request: Request, uow: Uow, ctx: Context) -> JSONResponse:
    view = plan.add_goal(
        uow,
        ctx,
        case_id,
        None,
        plan.NewGoal(body.title, body.description, body.target_on),
    )
    return case_response(request, view, ctx, 201)


@router.patch("/plan/goals/{goal_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def change_goal(
    case_id: uuid.UUID,
    goal_id: uuid.UUID,
    body: GoalPatch,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    changes = plan.GoalChanges(**body.model_dump(exclude_unset=True))
    view = plan.change_goal(uow, ctx, case_id, expected_tag(if_match, required=True), goal_id, changes)
    return case_response(request, view, ctx)


@router.post("/plan/measures", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def add_measure(
    case_id: uuid.UUID,
    body: MeasureIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    view = plan.add_measure(uow, ctx, case_id, None, plan.NewMeasure(**body.model_dump()))
    return case_response(request, view, ctx, 201)


@router.post("/plan/measures/{measure_id}/acceptance", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def accept_measure(
    case_id: uuid.UUID,
    measure_id: uuid.UUID,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Eine Massnahme, die eine andere Stelle der eigenen vorgeschlagen hat, übernehmen."""
    view = plan.accept_measure(uow, ctx, case_id, expected_tag(if_match, required=False), measure_id)
    return case_response(request, view, ctx)


@router.patch("/plan/measures/{measure_id}", response_model=CaseOut, responses=CASE_CHANGE_ERRORS)
def change_measure(
    case_id: uuid.UUID,
    measure_id: uuid.UUID,
    body: MeasurePatch,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    changes = plan.MeasureChanges(**body.model_dump(exclude_unset=True))
    view = plan.change_measure(uow, ctx, case_id, expected_tag(if_match, required=True), measure_id, changes)
    return case_response(request, view, ctx)
