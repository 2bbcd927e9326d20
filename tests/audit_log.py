"""Reading the audit log in tests."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import AuditEventRow


def audit_events(engine: Engine) -> list[AuditEventRow]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(AuditEventRow).order_by(AuditEventRow.seq)))


def audit_count(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(AuditEventRow)) or 0


def last_audit_event(engine: Engine) -> AuditEventRow:
    with make_session_factory(engine)() as session:
        return session.scalars(select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1)).one()
