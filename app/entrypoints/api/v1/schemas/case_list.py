"""Case list bodies."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from app.domain.cases import CasePhase, Segment
from app.entrypoints.api.v1.schemas.common import Out
from app.services.cases import CaseListItem


class CaseListItemOut(Out):
    id: uuid.UUID
    version: int
    person_id: uuid.UUID
    display_name: str | None = Field(default=None, description="Nur mit Zugriff auf die Stammdaten")
    phase: CasePhase
    opened_on: date
    lead_institution_id: uuid.UUID
    segment: Segment | None
    reassessment_due_on: date | None
    reassessment_due: bool

    @classmethod
    def of(cls, item: CaseListItem, today: date) -> CaseListItemOut:
        s = item.summary
        body = cls(
            id=s.id,
            version=s.version,
            person_id=s.person_id,
            phase=s.phase,
            opened_on=s.opened_on,
            lead_institution_id=s.lead_institution_id,
            segment=s.current_segment,
            reassessment_due_on=s.reassessment_due_on,
            reassessment_due=s.reassessment_due_on is not None and s.reassessment_due_on <= today,
        )
        if item.display_name is not None:
            body.display_name = item.display_name
        return body


class CasePageOut(Out):
    items: list[CaseListItemOut]
    next_cursor: str | None = Field(description="Für die nächste Seite als ?cursor= übergeben; null am Ende")
