"""Pendenzen: what is due or overdue, per user or per institution, with a preview."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from app.bootstrap import Container
from app.domain.pendenzen import Involvement, PendenzenRules, PendenzKind, Urgency
from app.entrypoints.api.deps import Context, Uow, get_container
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.pendenzen import Scope, list_pendenzen

router = APIRouter(prefix="/pendenzen", tags=["Pendenzen"])


class PendenzOut(Out):
    kind: PendenzKind
    label: str
    case_id: uuid.UUID | None
    client_name: str | None
    due_on: date
    urgency: Urgency
    involvement: Involvement
    escalated: bool
    item_id: uuid.UUID | None
    responsible_institution_id: uuid.UUID | None


class PendenzenOut(Out):
    scope: Scope
    preview_days: int
    items: list[PendenzOut]


def pendenzen_rules(container: Annotated[Container, Depends(get_container)]) -> PendenzenRules:
    settings = container.settings
    return PendenzenRules(
        preview_days=settings.pendenzen_preview_days,
        intake_segment_days=settings.intake_segment_due_days,
        escalation_days=settings.pendenzen_escalation_days,
    )


@router.get("", response_model=PendenzenOut, responses=problems(403))
def pendenzen(
    uow: Uow,
    ctx: Context,
    rules: Annotated[PendenzenRules, Depends(pendenzen_rules)],
    scope: Annotated[
        Scope, Query(description="mine: eigene Fälle; institution: ganze Stelle (Teamleitung)")
    ] = Scope.MINE,
) -> JSONResponse:
    """Fälliges und Überfälliges mit 30-Tage-Vorschau: fallführend oder zur Kenntnis."""
    entries = list_pendenzen(uow, ctx, scope, rules)
    items = [
        PendenzOut(
            kind=e.pendenz.kind,
            label=e.pendenz.kind.label,
            case_id=e.pendenz.case_id,
            client_name=e.client_name,
            due_on=e.pendenz.due_on,
            urgency=e.pendenz.urgency,
            involvement=e.pendenz.involvement,
            escalated=e.pendenz.escalated,
            item_id=e.pendenz.item_id,
            responsible_institution_id=e.pendenz.responsible_institution_id,
        )
        for e in entries
    ]
    return json_response(PendenzenOut(scope=scope, preview_days=rules.preview_days, items=items))
