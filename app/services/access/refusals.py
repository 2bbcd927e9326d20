"""Refused requests leave a trace too.

A refused use case rolls back its transaction, the audit event with it. This records the refusal
afterwards in a transaction of its own, so the DPO sees attempts as well as accesses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.errors import DomainError, StaleVersion
from app.services.context import RequestContext
from app.services.errors import Forbidden, NotFound, ServiceError
from app.services.ports import UnitOfWork


def _outcome(refusal: Exception) -> AuditOutcome:
    return AuditOutcome.DENIED if isinstance(refusal, NotFound | Forbidden) else AuditOutcome.REFUSED


@contextmanager
def refusals_recorded(
    uow: UnitOfWork,
    ctx: RequestContext,
    *,
    operation: str,
    action: AuditAction,
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> Iterator[None]:
    try:
        yield
    except (DomainError, ServiceError, StaleVersion) as refusal:
        if not getattr(refusal, "audited", False):
            with uow:
                uow.audit.append(
                    ctx.audit_event(
                        action=action,
                        operation=operation,
                        outcome=_outcome(refusal),
                        reason=getattr(refusal, "message", type(refusal).__name__),
                        case_id=case_id,
                        person_id=getattr(refusal, "audit_person_id", None) or person_id,
                    )
                )
        raise
