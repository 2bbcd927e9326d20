"""What the audit use cases need from the sealed log and from the event store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Protocol

from app.domain.audit import AuditEvent
from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.audit_chain.verification import LogEntry
from app.domain.audit_review import AuditQuery
from app.services.ports import UnitOfWork


class AuditLedger(Protocol):
    """The sealed log: sequencer, checkpoints, proofs (app/adapters/db/audit_ledger.py)."""

    def seal(self) -> int: ...
    def checkpoint(self, *, force: bool = False) -> Checkpoint | None: ...
    def checkpoints(self) -> list[Checkpoint]: ...
    def latest_checkpoint(self) -> Checkpoint | None: ...
    def position_of(self, event_id: uuid.UUID) -> int | None: ...
    def inclusion_proof(self, position: int, tree_size: int) -> tuple[bytes, list[bytes]]: ...
    def consistency_proof(self, first_size: int, second_size: int) -> list[bytes]: ...
    def entries(self) -> Iterator[LogEntry]: ...
    def unsealed_event_ids(self) -> list[str]: ...
    def prune(self, before_position: int, checkpoint_tree_size: int, export_sha256: str) -> int: ...


class AuditLog(Protocol):
    """Reading the audit events for data-protection review."""

    def search(self, query: AuditQuery) -> list[AuditEvent]: ...


AuditReviewUnitOfWork = UnitOfWork  # the one protocol (app/services/ports.py), named for its use here
