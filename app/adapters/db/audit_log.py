"""Reading audit events for data-protection review, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session

from app.adapters.db.audit_rows import event_of
from app.adapters.db.models import AuditEventRow
from app.domain.audit import AuditEvent
from app.domain.audit_review import AuditQuery

_BATCH = 500


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def events_of_person(self, person_id: uuid.UUID) -> Iterator[AuditEvent]:
        """Keyset pages of `_BATCH` by sequence number: a long history is streamed, never cut off."""
        after = -1
        while True:
            rows = list(
                self._session.scalars(
                    select(AuditEventRow)
                    .where(
                        or_(
                            AuditEventRow.person_id == person_id,
                            # lists name the persons they showed among their record ids
                            cast(AuditEventRow.record_ids, String).like(f"%{person_id}%"),
                        ),
                        AuditEventRow.seq > after,
                    )
                    .order_by(AuditEventRow.seq)
                    .limit(_BATCH)
                )
            )
            for row in rows:
                yield event_of(row)
            if len(rows) < _BATCH:
                return
            after = rows[-1].seq

    def search(self, query: AuditQuery) -> list[AuditEvent]:
        statement = select(AuditEventRow)
        if query.person_id is not None:
            statement = statement.where(AuditEventRow.person_id.in_(query.person_ids))
        for column, wanted in (
            (AuditEventRow.actor_id, query.actor_id),
            (AuditEventRow.actor_name, query.actor_name),
            (AuditEventRow.institution_id, query.institution_id),
            (AuditEventRow.action, query.action.value if query.action else None),
            (AuditEventRow.outcome, query.outcome.value if query.outcome else None),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        if query.occurred_from is not None:
            statement = statement.where(AuditEventRow.occurred_at >= query.occurred_from)
        if query.occurred_to is not None:
            statement = statement.where(AuditEventRow.occurred_at < query.occurred_to)
        if query.before is not None:
            at, event_id = query.before
            statement = statement.where(
                or_(
                    AuditEventRow.occurred_at < at,
                    and_(AuditEventRow.occurred_at == at, AuditEventRow.id < event_id),
                )
            )
        order = (
            (AuditEventRow.occurred_at.desc(), AuditEventRow.id.desc())
            if query.newest_first
            else (AuditEventRow.seq,)
        )
        rows = self._session.scalars(statement.order_by(*order).limit(query.limit))
        return [event_of(row) for row in rows]
