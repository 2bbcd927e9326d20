"""The outbox: change events stored in the transaction of the change itself.

Every allowed write on a case is audited in its own transaction (app/services/access/case_work.py and
friends); the recorder below announces the matching change event alongside, so no use case needs
to remember to. A rolled-back change takes its event with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.db.event_models import OutboxEventRow
from app.adapters.db.repositories import SqlAuditRecorder
from app.domain.audit import AuditEvent
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType, event_for


class SqlEventLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: ChangeEvent, dedupe_key: str | None = None) -> None:
        self._session.add(
            OutboxEventRow(
                id=event.id,
                type=event.type.value,
                case_id=event.case_id,
                source_institution_id=event.source_institution_id,
                categories=[c.value for c in event.categories],
                occurred_at=event.occurred_at,
                dedupe_key=dedupe_key,
            )
        )

    def after(self, sequence: int, limit: int) -> list[ChangeEvent]:
        query = select(OutboxEventRow).where(OutboxEventRow.seq > sequence).order_by(OutboxEventRow.seq)
        return [change_event(row) for row in self._session.scalars(query.limit(limit))]

    def last_sequence(self) -> int:
        row = self._session.scalar(select(OutboxEventRow.seq).order_by(OutboxEventRow.seq.desc()).limit(1))
        return row or 0


def change_event(row: OutboxEventRow) -> ChangeEvent:
    return ChangeEvent(
        type=EventType(row.type),
        case_id=row.case_id,
        occurred_at=row.occurred_at,
        source_institution_id=row.source_institution_id,
        categories=tuple(DataCategory(c) for c in row.categories),
        id=row.id,
        sequence=row.seq,
    )


class OutboxingAuditRecorder(SqlAuditRecorder):
    """Appends the audit event and, for an allowed write on a case, its change event."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._events = SqlEventLog(session)

    def append(self, event: AuditEvent) -> None:
        super().append(event)
        change = event_for(event)
        if change is not None:
            self._events.add(change)


def reassessment_due_event(case_id: uuid.UUID, lead_institution_id: uuid.UUID, now: datetime) -> ChangeEvent:
    return ChangeEvent(
        type=EventType.REASSESSMENT_DUE,
        case_id=case_id,
        occurred_at=now,
        source_institution_id=lead_institution_id,
        categories=(DataCategory.FALLFUEHRUNG,),
    )
