"""The data-protection officer's search over the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome

MAX_RESULTS = 10_000


@dataclass(frozen=True)
class AuditQuery:
    person_id: uuid.UUID | None = None
    # the same client's registrations by other institutions (searched by AHVN13): found as well
    also_person_ids: tuple[uuid.UUID, ...] = ()
    actor_id: uuid.UUID | None = None
    actor_name: str | None = None
    institution_id: uuid.UUID | None = None
    action: AuditAction | None = None
    outcome: AuditOutcome | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None  # exclusive
    limit: int = 1000
    newest_first: bool = False
    # Keyset paging for newest-first pages: only events strictly older than (occurred_at, id).
    before: tuple[datetime, uuid.UUID] | None = None

    def matches(self, event: AuditEvent) -> bool:
        """The same filter as the repository's SQL, for fakes and tests."""
        if self.person_id is not None and event.person_id not in self.person_ids:
            return False
        checks = (
            (self.actor_id, event.actor_id),
            (self.actor_name, event.actor_name),
            (self.institution_id, event.institution_id),
            (self.action, event.action),
            (self.outcome, event.outcome),
        )
        if any(wanted is not None and wanted != actual for wanted, actual in checks):
            return False
        if self.occurred_from is not None and event.occurred_at < self.occurred_from:
            return False
        return self.occurred_to is None or event.occurred_at < self.occurred_to

    @property
    def person_ids(self) -> tuple[uuid.UUID, ...]:
        return (self.person_id, *self.also_person_ids) if self.person_id is not None else ()

    def describe(self) -> str:
        """What the DPO asked for, for the audit event of the query itself (no personal data)."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("person", self.person_id),
                ("actor", self.actor_id),
                ("actor_name", self.actor_name),
                ("institution", self.institution_id),
                ("action", self.action),
                ("outcome", self.outcome),
                ("from", self.occurred_from.isoformat() if self.occurred_from else None),
                ("to", self.occurred_to.isoformat() if self.occurred_to else None),
            )
            if value is not None
        ]
        return "Suche: " + (", ".join(parts) if parts else "alle")
