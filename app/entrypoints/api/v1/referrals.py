"""Zuweisung to IIZ case management, Aufnahmeentscheid and Clearing (AGS)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field

from app.bootstrap import Container
from app.domain.categories import DataCategory
from app.domain.referral import AdmissionOutcome, Referral, ReferralStatus, Urgency
from app.entrypoints.api.deps import Context, Uow, get_container
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Command, LongText, OptionalShortText, Out
from app.services import referrals as service

router = APIRouter(prefix="/referrals", tags=["Zuweisung und Aufnahme"])
ERRORS = problems(404, 409, 422)


class ReferralIn(Command):
    person_id: uuid.UUID
    region_institution_id: uuid.UUID = Field(description="Sozialregion der Klientin / des Klienten")
    reason: LongText = Field(min_length=1, description="Weshalb IIZ-Fallführung")
    tried: LongText = Field(default="", description="Was bisher versucht wurde")
    urgency: Urgency = Urgency.NORMAL
    document_ids: list[uuid.UUID] = []
    category: DataCategory | None = Field(
        default=None, description="Kategorie der Texte, von der Autorin gewählt"
    )


class MeetingIn(Command):
    meeting_on: date


class DecisionIn(Command):
    outcome: AdmissionOutcome
    reason: LongText = Field(min_length=1)
    lead_institution_id: uuid.UUID | None = Field(
        default=None, description="Bei Aufnahme: fallführende Stelle"
    )
    local_reference: OptionalShortText = ""
    decided_on: date | None = None


class DecisionOut(Out):
    outcome: AdmissionOutcome
    decided_on: date
    reason: str
    institution_id: uuid.UUID
    lead_institution_id: uuid.UUID | None


class ReferralOut(Out):
    id: uuid.UUID
    person_id: uuid.UUID
    referring_institution_id: uuid.UUID
    cm_body_institution_id: uuid.UUID
    clearing_body_institution_id: uuid.UUID
    referred_on: date
    urgency: Urgency
    reason: str
    tried: str
    category: DataCategory
    document_ids: list[uuid.UUID]
    status: ReferralStatus
    meeting_on: date | None
    decision: DecisionOut | None
    clearing_requested_on: date | None
    clearing: DecisionOut | None
    case_id: uuid.UUID | None

    @classmethod
    def of(cls, referral: Referral) -> ReferralOut:
        return cls.model_validate(referral, from_attributes=True)


class ReferralListOut(Out):
    items: list[ReferralOut]


def referral_config(container: Annotated[Container, Depends(get_container)]) -> service.ReferralConfig:
    settings = container.settings
    return service.ReferralConfig(dict(settings.referral_cm_bodies), settings.referral_clearing_body_code)


def _decision(body: DecisionIn) -> service.Decision:
    return service.Decision(
        body.outcome, body.reason, body.lead_institution_id, body.local_reference, body.decided_on
    )


@router.post("", response_model=ReferralOut, status_code=201, responses=ERRORS)
def refer(
    body: ReferralIn,
    uow: Uow,
    ctx: Context,
    config: Annotated[service.ReferralConfig, Depends(referral_config)],
) -> JSONResponse:
    """Eine Klientin / einen Klienten der IIZ-Fallführung zuweisen (Grund, Dringlichkeit, Versuchtes)."""
    new = service.NewReferral(
        body.person_id,
        body.region_institution_id,
        body.reason,
        body.tried,
        body.urgency,
        list(body.document_ids),
        body.category,
    )
    return json_response(ReferralOut.of(service.refer_client(uow, ctx, new, config)), 201)


@router.get("", response_model=ReferralListOut)
def referrals(uow: Uow, ctx: Context) -> JSONResponse:
    """Die Zuweisungen, an denen die eigene Stelle beteiligt ist."""
    return json_response(ReferralListOut(items=[ReferralOut.of(r) for r in service.list_referrals(uow, ctx)]))


@router.get("/{referral_id}", response_model=ReferralOut, responses=problems(404))
def referral(referral_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Zuweisung (nur für die beteiligten Stellen)."""
    return json_response(ReferralOut.of(service.get_referral(uow, ctx, referral_id)))


@router.post("/{referral_id}/meeting", response_model=ReferralOut, responses=ERRORS)
def schedule_meeting(referral_id: uuid.UUID, body: MeetingIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Das gemeinsame Gespräch planen (Fallführungsstelle der Region)."""
    return json_response(ReferralOut.of(service.schedule_meeting(uow, ctx, referral_id, body.meeting_on)))


@router.post("/{referral_id}/decision", response_model=ReferralOut, responses=ERRORS)
def decide(referral_id: uuid.UUID, body: DecisionIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Über die Aufnahme entscheiden; bei Aufnahme wird der Fall mit der genannten Stelle eröffnet."""
    return json_response(ReferralOut.of(service.decide_admission(uow, ctx, referral_id, _decision(body))))


@router.post("/{referral_id}/clearing", response_model=ReferralOut, responses=ERRORS)
def request_clearing(referral_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine abgelehnte Zuweisung der Schlichtungsstelle (AGS) vorlegen."""
    return json_response(ReferralOut.of(service.request_clearing(uow, ctx, referral_id)))


@router.post("/{referral_id}/clearing/decision", response_model=ReferralOut, responses=ERRORS)
def decide_clearing(referral_id: uuid.UUID, body: DecisionIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Die Schlichtungsstelle (AGS) entscheidet über eine abgelehnte Zuweisung."""
    return json_response(ReferralOut.of(service.decide_clearing(uow, ctx, referral_id, _decision(body))))
