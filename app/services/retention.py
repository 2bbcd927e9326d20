"""Crypto-shredding at the end of retention: `cockpit retention run`.

For every person past retention the data key is destroyed, a `destroy` audit event recorded and a
signed deletion receipt issued, in one transaction per person. The rows stay; nothing in them can
be decrypted again, and the API answers that the data was deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.principal import Principal, PrincipalKind, Role
from app.domain.retention import CaseRetentionFacts, DeletionReceipt, RetentionPolicy
from app.services.ports import UnitOfWork

# The retention run acts as the system itself; its institution is the platform operator.
RETENTION_PRINCIPAL = Principal(
    id=uuid.UUID("6f1d3c52-9a5e-5b7e-8c1d-0d5e6f7a8b90"),
    kind=PrincipalKind.SYSTEM,
    name="retention",
    institution_id=uuid.UUID("6f1d3c52-9a5e-5b7e-8c1d-000000000000"),
    roles=frozenset({Role.ADMIN}),
)


class RetentionStore(Protocol):
    def candidates(self) -> dict[uuid.UUID, list[CaseRetentionFacts]]: ...
    def destroy_data_key(self, person_id: uuid.UUID, at: datetime) -> uuid.UUID | None: ...
    def issue_receipt(self, statement: dict[str, Any], at: datetime) -> DeletionReceipt: ...
    def receipt_public_key(self) -> str: ...


RetentionUnitOfWork = UnitOfWork  # the one protocol (app/services/ports.py), named for its use here


@dataclass
class RetentionReport:
    receipts: list[DeletionReceipt] = field(default_factory=list)
    checked: int = 0


def persons_past_retention(uow: RetentionUnitOfWork, policy: RetentionPolicy, today: date) -> list[uuid.UUID]:
    with uow:
        candidates = uow.retention.candidates()
    return [person_id for person_id, cases in candidates.items() if policy.past_retention(cases, today)]


def run_retention(
    uow_factory: Callable[[], RetentionUnitOfWork],
    policy: RetentionPolicy,
    now: datetime,
    today: date,
    on_destroyed: Callable[[DeletionReceipt], None] = lambda _r: None,
) -> RetentionReport:
    """Operator only (CLI). Each person in a transaction of its own, so a failure stops nothing done."""
    report = RetentionReport()
    due = persons_past_retention(uow_factory(), policy, today)
    report.checked = len(due)
    for person_id in due:
        uow = uow_factory()
        with uow:
            key_id = uow.retention.destroy_data_key(person_id, now)
            if key_id is None:  # destroyed meanwhile by a concurrent run
                continue
            receipt_id = uuid.uuid4()
            receipt = uow.retention.issue_receipt(
                {
                    "type": "cockpit-deletion-receipt",
                    "version": 1,
                    "receipt_id": str(receipt_id),
                    "person_id": str(person_id),
                    "data_key_id": str(key_id),
                    "destroyed_at": now.isoformat(),
                    "reason": "Aufbewahrungsfrist abgelaufen",
                    "policy": {phase.value: years for phase, years in sorted(policy.years_by_phase.items())},
                },
                now,
            )
            uow.audit.append(
                AuditEvent.by(
                    RETENTION_PRINCIPAL,
                    occurred_at=now,
                    correlation_id=f"retention-{receipt_id}",
                    action=AuditAction.DESTROY,
                    operation="retention.destroy",
                    outcome=AuditOutcome.ALLOWED,
                    reason="Aufbewahrungsfrist abgelaufen: Datenschlüssel vernichtet.",
                    person_id=person_id,
                    purpose="Aufbewahrung",
                    record_ids=(receipt_id,),
                )
            )
        report.receipts.append(receipt)
        on_destroyed(receipt)
    return report
