"""Mapping between audit event rows and the domain's AuditEvent."""

from __future__ import annotations

import uuid
from typing import Any

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory


def event_of(row: Any) -> AuditEvent:
    """`row` is an AuditEventRow or a Core row of the audit_events table."""
    return AuditEvent(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_kind=row.actor_kind,
        actor_name=row.actor_name,
        institution_id=row.institution_id,
        roles=tuple(row.roles),
        action=AuditAction(row.action),
        operation=row.operation,
        outcome=AuditOutcome(row.outcome),
        reason=row.reason,
        correlation_id=row.correlation_id,
        case_id=row.case_id,
        person_id=row.person_id,
        categories=tuple(DataCategory(c) for c in row.categories),
        withheld_categories=tuple(DataCategory(c) for c in row.withheld_categories),
        bases=tuple(row.bases),
        purpose=row.purpose,
        recipient_institution_id=row.recipient_institution_id,
        record_ids=tuple(uuid.UUID(r) for r in row.record_ids),
    )
