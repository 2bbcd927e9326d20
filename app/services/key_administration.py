"""Key administration from the operator shell, audited: `cockpit keys retire-kek`.

Retiring a KEK is final (an old backup can no longer open what was wrapped under it), so it leaves an
audit event like every other destruction: `destroy` when the KEK is gone, `refused` when the request
was turned down (the current KEK, or keys still wrapped under it). The KEK is destroyed last, inside
the transaction of its event: if destroying fails, no event claims it happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.principal import Principal, PrincipalKind, Role
from app.services.ports import UnitOfWork
from app.services.retention import RETENTION_PRINCIPAL

# The operator's key administration acts as the system itself, for the platform operator.
KEY_ADMINISTRATION_PRINCIPAL = Principal(
    id=uuid.UUID("6f1d3c52-9a5e-5b7e-8c1d-0d5e6f7a8b91"),
    kind=PrincipalKind.SYSTEM,
    name="key-administration",
    institution_id=RETENTION_PRINCIPAL.institution_id,
    roles=frozenset({Role.ADMIN}),
)
OPERATION = "keys.retire_kek"


def _event(outcome: AuditOutcome, reason: str, now: datetime) -> AuditEvent:
    return AuditEvent.by(
        KEY_ADMINISTRATION_PRINCIPAL,
        occurred_at=now,
        correlation_id=f"cli-{uuid.uuid4()}",
        action=AuditAction.DESTROY,
        operation=OPERATION,
        outcome=outcome,
        reason=reason,
        purpose="Schlüsselverwaltung",
    )


def retire_kek(uow: UnitOfWork, kek_id: str, now: datetime, destroy: Callable[[], None]) -> None:
    """Records the retirement of `kek_id` and destroys it (`destroy`) in the same transaction."""
    with uow:
        uow.audit.append(_event(AuditOutcome.ALLOWED, f"KEK {kek_id} entfernt.", now))
        destroy()


def kek_retirement_refused(uow: UnitOfWork, kek_id: str, why: str, now: datetime) -> None:
    with uow:
        uow.audit.append(_event(AuditOutcome.REFUSED, f"KEK {kek_id} nicht entfernt: {why}", now))
