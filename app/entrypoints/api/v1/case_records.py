"""Assessments, reviews, case conferences, journal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import CASE_ADD_ERRORS, case_response
from app.entrypoints.api.v1.schemas.case_in import AssessmentIn, ConferenceIn, JournalEntryIn, ReviewIn
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services import records

router = APIRouter(prefix="/cases/{case_id}", tags=["Assessments, Standortbestimmungen, Journal"])


@router.post("/assessments", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def record_assessment(
    case_id: uuid.UUID,
    body: AssessmentIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    """Kurzassessment, Praxisassessment oder vPe erfassen."""
    view = records.record_assessment(
        uow,
        ctx,
        case_id,
        None,
        records.NewAssessment(**body.model_dump()),
    )
    return case_response(request, view, ctx, 201)


@router.post("/reviews", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def record_review(
    case_id: uuid.UUID,
    body: ReviewIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    """Standortbestimmung mit Fortschritt je Ziel erfassen."""
    new = records.NewReview(
        body.held_on, body.summary, [p.to_domain() for p in body.progress], body.next_review_on
    )
    view = records.record_review(uow, ctx, case_id, None, new)
    return case_response(request, view, ctx, 201)


@router.post("/conferences", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def record_conference(
    case_id: uuid.UUID,
    body: ConferenceIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    """Protokoll einer Fallkonferenz erfassen."""
    view = records.record_conference(
        uow,
        ctx,
        case_id,
        None,
        records.NewConference(**body.model_dump()),
    )
    return case_response(request, view, ctx, 201)


@router.post("/journal", response_model=CaseOut, status_code=201, responses=CASE_ADD_ERRORS)
def add_journal_entry(
    case_id: uuid.UUID,
    body: JournalEntryIn,
    request: Request,
    uow: Uow,
    ctx: Context,
) -> JSONResponse:
    """Journaleintrag mit der Kategorie seines Inhalts erfassen."""
    view = records.add_journal_entry(
        uow,
        ctx,
        case_id,
        None,
        records.NewJournalEntry(**body.model_dump()),
    )
    return case_response(request, view, ctx, 201)
