"""Consent of the client (Einwilligung / Entbindung von der Schweigepflicht) on a shared case."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.domain.consent import Flow
from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_version
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.access import (
    AwaitingConsentListOut,
    AwaitingConsentOut,
    ConsentEventOut,
    ConsentHistoryOut,
    ConsentIn,
    ConsentListOut,
    ConsentOut,
    RevocationIn,
)
from app.services import consents as service
from app.services.consent_inbox import consents_awaiting_confirmation

router = APIRouter(prefix="/cases/{case_id}/consents", tags=["Einwilligungen"])
inbox = APIRouter(prefix="/consents", tags=["Einwilligungen"])


@inbox.get("/awaiting-confirmation", response_model=AwaitingConsentListOut, responses=problems(403))
def awaiting_confirmation(uow: Uow, ctx: Context) -> JSONResponse:
    """Einwilligungen, die Daten der eigenen Stelle freigeben und auf deren Bestätigung warten."""
    waiting = consents_awaiting_confirmation(uow, ctx)
    return json_response(AwaitingConsentListOut(items=[AwaitingConsentOut.of(w) for w in waiting]))


@router.post("", status_code=201, response_model=ConsentOut, responses=problems(403, 404, 409, 422))
def grant_consent(
    case_id: uuid.UUID, body: ConsentIn, request: Request, uow: Uow, ctx: Context
) -> JSONResponse:
    """Eine unterschriebene Einwilligung erfassen; mit `supersedes` ersetzt sie eine frühere."""
    state = service.grant_consent(
        uow,
        ctx,
        case_id,
        service.GrantConsent(
            flows=tuple(Flow(f.from_institution_id, f.to_institution_id) for f in body.flows),
            categories=frozenset(body.categories),
            purpose=body.purpose,
            form_version=body.evidence.form_version,
            collected_by_user_id=body.evidence.collected_by,
            collected_at=body.evidence.collected_at,
            language=body.evidence.language,
            evidence_file=body.evidence_bytes,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            supersedes_id=body.supersedes,
        ),
    )
    location = str(request.url_for("get_consent", case_id=case_id, consent_id=state.consent.id))
    return json_response(ConsentOut.of(state), 201, state.consent.version, location)


@router.get("", response_model=ConsentListOut, responses=problems(403, 404))
def list_consents(case_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Die Einwilligungen des Falls mit ihrem heutigen Status."""
    states = service.list_consents(uow, ctx, case_id)
    return json_response(ConsentListOut(items=[ConsentOut.of(s) for s in states]))


@router.get("/{consent_id}", response_model=ConsentOut, responses=problems(403, 404))
def get_consent(case_id: uuid.UUID, consent_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Einwilligung lesen."""
    state = service.get_consent(uow, ctx, case_id, consent_id)
    return json_response(ConsentOut.of(state), version=state.consent.version)


@router.post("/{consent_id}/confirmation", response_model=ConsentOut, responses=problems(403, 404, 409))
def confirm_consent(case_id: uuid.UUID, consent_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Als Stelle, deren Daten freigegeben werden, die Einwilligung bestätigen: ihre Flüsse gelten."""
    state = service.confirm_consent(uow, ctx, case_id, consent_id)
    return json_response(ConsentOut.of(state), version=state.consent.version)


@router.post(
    "/{consent_id}/revocation", response_model=ConsentOut, responses=problems(403, 404, 409, 412, 422)
)
def revoke_consent(
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
    body: RevocationIn,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Widerruf: wirkt ab der nächsten Anfrage."""
    state = service.revoke_consent(
        uow,
        ctx,
        case_id,
        consent_id,
        body.reason,
        expected_version(if_match, required=False),
        bars_break_glass=body.bars_break_glass,
    )
    return json_response(ConsentOut.of(state), version=state.consent.version)


@router.get("/{consent_id}/history", response_model=ConsentHistoryOut, responses=problems(403, 404))
def consent_history(case_id: uuid.UUID, consent_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Jede Änderung der Einwilligung: Erfassung, Widerruf, Ersatz."""
    events = service.consent_history(uow, ctx, case_id, consent_id)
    return json_response(ConsentHistoryOut(items=[ConsentEventOut.of(e) for e in events]))
