"""Bodies of the audit API: DPO review and witness material."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.domain.access_report import AccessReport
from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.audit_anomalies import Anomaly, AnomalyKind
from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.categories import DataCategory
from app.entrypoints.api.v1.schemas.common import Ahvn13Text, Command, Out

Username = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


class ListFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class ReportFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


class AuditSearchIn(Command):
    ahvn13: Ahvn13Text | None = None
    person_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    actor_name: Username | None = None
    institution_id: uuid.UUID | None = None
    action: AuditAction | None = None
    outcome: AuditOutcome | None = None
    occurred_from: datetime | None = Field(default=None, description="ab (inklusive), mit Zeitzone")
    occurred_to: datetime | None = Field(default=None, description="bis (exklusive), mit Zeitzone")
    limit: int = Field(default=1000, ge=1, le=10_000)
    format: ListFormat = ListFormat.JSON


class AnomaliesIn(Command):
    occurred_from: datetime
    occurred_to: datetime
    format: ListFormat = ListFormat.JSON


class AccessReportIn(Command):
    ahvn13: Ahvn13Text | None = None
    person_id: uuid.UUID | None = None
    include_staff_names: bool = False
    format: ReportFormat = ReportFormat.JSON


class AuditEventOut(Out):
    id: uuid.UUID
    occurred_at: datetime
    actor_id: uuid.UUID
    actor_kind: str
    actor_name: str
    institution_id: uuid.UUID
    roles: list[str]
    action: AuditAction
    operation: str
    outcome: AuditOutcome
    reason: str
    correlation_id: str
    case_id: uuid.UUID | None
    person_id: uuid.UUID | None
    categories: list[DataCategory]
    withheld_categories: list[DataCategory]
    bases: list[str]
    purpose: str
    recipient_institution_id: uuid.UUID | None
    record_ids: list[uuid.UUID]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls.model_validate(event)


class AuditEventsOut(Out):
    events: list[AuditEventOut]


class AnomalyOut(Out):
    kind: AnomalyKind
    description: str
    actor_id: uuid.UUID
    actor_name: str
    institution_id: uuid.UUID
    first_at: datetime
    event_ids: list[uuid.UUID]


class AnomaliesOut(Out):
    anomalies: list[AnomalyOut]
    events: list[AuditEventOut]

    @classmethod
    def of(cls, anomalies: list[Anomaly], events: dict[uuid.UUID, AuditEvent]) -> AnomaliesOut:
        return cls(
            anomalies=[AnomalyOut.model_validate(a) for a in anomalies],
            events=[AuditEventOut.of(e) for e in sorted(events.values(), key=lambda e: e.occurred_at)],
        )


class ReceiptOut(Out):
    on: date
    institution_id: uuid.UUID
    institution_name: str
    categories: list[DataCategory]
    bases: list[str]
    purpose: str
    staff: list[str] | None = None
    accesses: int


class AccessReportOut(Out):
    person_id: uuid.UUID
    generated_at: datetime
    categories_held: list[DataCategory]
    receipts: list[ReceiptOut]
    log_retention_days: int

    @classmethod
    def of(cls, report: AccessReport) -> AccessReportOut:
        receipts = [
            ReceiptOut(
                on=r.on,
                institution_id=r.institution_id,
                institution_name=r.institution_name,
                categories=list(r.categories),
                bases=list(r.bases),
                purpose=r.purpose,
                accesses=r.accesses,
                **({"staff": list(r.staff)} if report.include_staff else {}),
            )
            for r in report.receipts
        ]
        return cls(
            person_id=report.person_id,
            generated_at=report.generated_at,
            categories_held=list(report.categories_held),
            receipts=receipts,
            log_retention_days=report.log_retention_days,
        )


class CheckpointOut(Out):
    origin: str
    tree_size: int
    root_hash: str = Field(description="hex")
    chain_head: str = Field(description="hex")
    issued_at: str
    key_id: str
    signature: str = Field(description="Ed25519 über den RFC-8785-Text der übrigen Felder, Base64")

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointOut:
        return cls.model_validate(checkpoint.to_document())


class CheckpointsOut(Out):
    checkpoints: list[CheckpointOut]


class PublicKeyOut(Out):
    key_id: str
    public_key_pem: str


class InclusionProofOut(Out):
    event_id: uuid.UUID
    leaf_index: int
    tree_size: int
    leaf_hash: str
    path: list[str]


class ConsistencyProofOut(Out):
    first: int
    second: int
    path: list[str]
