"""Integrity of the audit log: verification, checkpoints and proofs for witnesses, pruning.

"Durable but not yet sealed": an event is in the database from its request's commit on, and queued
for the sequencer. Reading never seals or signs: witnesses and the DPO's page get the latest sealed
state (the sequencer seals about every second and signs checkpoints on its interval; the CLI seals
before it verifies or exports). An event that is neither sealed nor queued is itself a finding.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.audit_chain.verification import LogEntry, VerificationReport, verify_log
from app.domain.permissions import Permission
from app.domain.principal import Principal
from app.services.audit_ports import AuditLedger
from app.services.authorization import require
from app.services.errors import NotFound, ServiceError


def verify_database(
    ledger: AuditLedger, trusted_keys: dict[str, bytes], witnessed: Iterable[Checkpoint] = ()
) -> VerificationReport:
    """Verifies what is sealed now; queued events count as durable (seal first to include them)."""
    report = verify_log(list(ledger.entries()), ledger.checkpoints(), trusted_keys, witnessed)
    for event_id in ledger.unsealed_event_ids():
        report.findings.append(
            f"Ereignis id {event_id} ist weder versiegelt noch zur Versiegelung vorgemerkt."
        )
    return report


def latest_checkpoint(principal: Principal, ledger: AuditLedger) -> Checkpoint:
    """Institutions' systems and the DPO fetch checkpoints and keep them as witnesses."""
    require(principal, Permission.AUDIT_WITNESS)
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        raise NotFound("Es gibt noch keinen signierten Checkpoint.")
    return checkpoint


def list_checkpoints(principal: Principal, ledger: AuditLedger) -> list[Checkpoint]:
    require(principal, Permission.AUDIT_WITNESS)
    return ledger.checkpoints()


class ProofUnavailable(ServiceError):
    title = "Beweis nicht verfügbar"
    message = "Für diese Baumgrösse gibt es (noch) keinen Beweis."


@dataclass(frozen=True)
class InclusionProof:
    event_id: uuid.UUID
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]


def inclusion_proof(
    principal: Principal, ledger: AuditLedger, event_id: uuid.UUID, tree_size: int | None
) -> InclusionProof:
    require(principal, Permission.AUDIT_WITNESS)
    position = ledger.position_of(event_id)
    if position is None:
        raise NotFound("Kein versiegelter Protokolleintrag mit dieser id (noch nicht versiegelt?).")
    size = tree_size or _latest_size(ledger)
    if not position < size:
        raise ProofUnavailable("Der Eintrag liegt ausserhalb dieser Baumgrösse.", "tree_size")
    try:
        leaf, path = ledger.inclusion_proof(position, size)
    except ValueError:
        raise ProofUnavailable(field="tree_size") from None
    return InclusionProof(event_id, position, size, leaf, path)


def consistency_proof(principal: Principal, ledger: AuditLedger, first: int, second: int) -> list[bytes]:
    require(principal, Permission.AUDIT_WITNESS)
    if not 0 < first <= second:
        raise ProofUnavailable("Es muss 0 < first ≤ second gelten.", "first")
    try:
        return ledger.consistency_proof(first, second)
    except ValueError:
        raise ProofUnavailable(field="second") from None


def _latest_size(ledger: AuditLedger) -> int:
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        raise NotFound("Es gibt noch keinen signierten Checkpoint.")
    return checkpoint.tree_size


class PruneRefused(ServiceError):
    title = "Bereinigung abgelehnt"


def prune_plan(
    exported: Sequence[LogEntry], report: VerificationReport, now: datetime, retention_days: int
) -> int:
    """Events before the returned position may go: older than the retention, in a verified export,
    and covered by a checkpoint in it (so what remains still verifies against that checkpoint)."""
    if not report.ok:
        raise PruneRefused("Der Export ist nicht unversehrt; es wird nichts gelöscht.")
    cutoff = now - timedelta(days=retention_days)
    limit = report.covered_through
    for entry in exported:
        if entry.position >= limit:
            break
        occurred = entry.document.get("occurred_at") if entry.document else None
        if occurred is not None and occurred >= cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ"):
            return entry.position
    return limit
