"""Use cases check the permission table here, before touching any data."""

from __future__ import annotations

import uuid

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.permissions import Permission, permits
from app.domain.principal import Principal
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork


def require(principal: Principal, permission: Permission) -> None:
    if not permits(principal, permission):
        raise Forbidden()


def require_recorded(
    uow: UnitOfWork,
    ctx: RequestContext,
    permission: Permission,
    *,
    operation: str,
    action: AuditAction,
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> None:
    """`require`, for use cases outside `refusals_recorded`: a refusal is audited in its own transaction."""
    if permits(ctx.principal, permission):
        return
    with uow:
        uow.audit.append(
            ctx.audit_event(
                action=action,
                operation=operation,
                outcome=AuditOutcome.DENIED,
                reason=f"Rolle ohne Berechtigung {permission.value}.",
                case_id=case_id,
                person_id=person_id,
            )
        )
    raise Forbidden(audited=True)
