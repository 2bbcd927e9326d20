"""Sealed logs in memory for the verification tests."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.adapters.audit_signing import CheckpointSigner
from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.audit_chain.canonical import event_document
from app.domain.audit_chain.chain import GENESIS, seal_batch
from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.audit_chain.merkle import root
from app.domain.audit_chain.verification import LogEntry
from app.domain.categories import DataCategory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event(n: int, **changes: object) -> AuditEvent:
    base = AuditEvent(
        occurred_at=START + timedelta(minutes=n),
        actor_id=uuid.UUID(int=1),
        actor_kind="user",
        actor_name="sd",
        institution_id=uuid.UUID(int=2),
        roles=("caseworker",),
        action=AuditAction.READ,
        operation="cases.read",
        outcome=AuditOutcome.ALLOWED,
        reason="Fall gelesen.",
        correlation_id=str(uuid.UUID(int=1000 + n)),
        case_id=uuid.UUID(int=3),
        person_id=uuid.UUID(int=4),
        categories=(DataCategory.STAMMDATEN, DataCategory.FALLFUEHRUNG),
        bases=("participation",),
        purpose="Fallführung",
        id=uuid.UUID(int=10_000 + n),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def sealed_log(n: int) -> list[LogEntry]:
    events = [event(i) for i in range(n)]
    return [
        LogEntry(s.position, str(s.event_id), event_document(e), s.leaf_hash, s.previous_hash, s.entry_hash)
        for s, e in zip(seal_batch(events, 0, GENESIS), events, strict=True)
    ]


def signer() -> CheckpointSigner:
    return CheckpointSigner(Ed25519PrivateKey.generate())


def checkpoint_of(entries: list[LogEntry], size: int, key: CheckpointSigner) -> Checkpoint:
    leaves = [e.leaf_hash for e in entries[:size]]
    return key.sign(Checkpoint(size, root(leaves), entries[size - 1].entry_hash, START, key.key_id))
