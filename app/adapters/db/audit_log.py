"""Reading audit events for data-protection review, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.adapters.db.audit_rows import event_of
from app.adapters.db.models import AuditEventRow
from app.domain.audit import AuditEvent
from app.domain.audit_review import AuditQuery


class SqlAuditLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def search(self, query: AuditQuery) -> list[AuditEvent]:
        statement = select(AuditEventRow)
        for column, wanted in (
            (AuditEventRow.person_id, query.person_id),
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
