"""The audit event: one per request, written in the same transaction as the access."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.categories import DataCategory
from app.domain.principal import Principal


class AuditAction(StrEnum):
    """Kinds of processing per DSV Art. 4."""

    READ = "read"
    CREATE = "create"
    CHANGE = "change"
    DISCLOSE = "disclose"
    EXPORT = "export"
    DELETE = "delete"
    DESTROY = "destroy"
    LOGIN = "login"
    LOGOUT = "logout"
    CONSENT_GRANT = "consent_grant"
    CONSENT_REVOKE = "consent_revoke"
    BREAK_GLASS = "break_glass"  # the opening itself; reads under it carry the basis "break_glass:<id>"


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"  # no basis: not found, not permitted
    REFUSED = "refused"  # had access, but the request broke a rule or raced a newer version


@dataclass(frozen=True)
class AuditEvent:
    """Carries no cleartext personal data: the person appears by pseudonymous id only."""

    occurred_at: datetime
    actor_id: uuid.UUID
    actor_kind: str
    actor_name: str
    institution_id: uuid.UUID
    roles: tuple[str, ...]
    action: AuditAction
    operation: str  # the use case, e.g. "cases.read"
    outcome: AuditOutcome
    reason: str
    correlation_id: str
    case_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    categories: tuple[DataCategory, ...] = ()
    withheld_categories: tuple[DataCategory, ...] = ()
    bases: tuple[str, ...] = ()
    purpose: str = ""
    recipient_institution_id: uuid.UUID | None = None
    record_ids: tuple[uuid.UUID, ...] = ()
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def by(
        cls, principal: Principal, *, occurred_at: datetime, correlation_id: str, **details: object
    ) -> AuditEvent:
        return cls(
            occurred_at=occurred_at,
            actor_id=principal.id,
            actor_kind=principal.kind.value,
            actor_name=principal.name,
            institution_id=principal.institution_id,
            roles=tuple(sorted(r.value for r in principal.roles)),
            correlation_id=correlation_id,
            **details,  # type: ignore[arg-type]
        )
