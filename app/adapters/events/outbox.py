"""The outbox: change events stored in the transaction of the change itself.

Every allowed write on a case is audited in its own transaction (app/services/access/case_work.py and
friends); the recorder below wraps the audit recorder and announces the matching change event
alongside, so no use case needs to remember to. A rolled-back change takes its event with it. The
composition root (app/bootstrap) puts the two together: this package does not import adapters/db.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.events.models import OutboxEventRow
from app.adapters.row_writer import rows_of
from app.domain.audit import AuditEvent
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType, event_for


class SqlEventLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: ChangeEvent, dedupe_key: str | None = None) -> None:
        rows_of(self._session).new(
            OutboxEventRow,
            id=event.id,
            type=event.type.value,
            case_id=event.case_id,
            source_institution_id=event.source_institution_id,
            categories=[c.value for c in event.categories],
            occurred_at=event.occurred_at,
            dedupe_key=dedupe_key,
        )

    def after(self, position: int, limit: int) -> list[ChangeEvent]:
        """Positioned events after `position`, in position order (see app/adapters/events/sequencer.py):
        an event still unpositioned appears later, always after the positions read now."""
        query = (
            select(OutboxEventRow).where(OutboxEventRow.position > position).order_by(OutboxEventRow.position)
        )
        return [change_event(row) for row in self._session.scalars(query.limit(limit))]

    def announced(self, dedupe_key: str) -> bool:
        query = select(OutboxEventRow.seq).where(OutboxEventRow.dedupe_key == dedupe_key)
        return self._session.scalar(query.limit(1)) is not None

    def last_sequence(self) -> int:
        return last_position(self._session)


def last_position(session: Session) -> int:
    latest = session.scalar(
        select(OutboxEventRow.position)
        .where(OutboxEventRow.position.is_not(None))
        .order_by(OutboxEventRow.position.desc())
        .limit(1)
    )
    return latest or 0


def change_event(row: OutboxEventRow) -> ChangeEvent:
    return ChangeEvent(
        type=EventType(row.type),
        case_id=row.case_id,
        occurred_at=row.occurred_at,
        source_institution_id=row.source_institution_id,
        categories=tuple(DataCategory(c) for c in row.categories),
        id=row.id,
        sequence=row.position or 0,
    )


class AuditAppender(Protocol):
    def append(self, event: AuditEvent) -> None: ...


class OutboxingAuditRecorder:
    """Appends the audit event and, for an allowed write on a case, its change event, both in the
    transaction of the session the two were built on."""

    def __init__(self, audit: AuditAppender, events: SqlEventLog) -> None:
        self._audit = audit
        self._events = events

    def append(self, event: AuditEvent) -> None:
        self._audit.append(event)
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
