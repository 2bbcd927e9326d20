"""Offline verification of the audit log: chain, Merkle roots and signed checkpoints.

Works on what an export holds (and what the database yields in the same shape), so the DPO and the
institutions can check a copy kept away from the platform. Every finding names the entry (position
and event id) or checkpoint where the log breaks, in German for the operator's console.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from app.domain.audit_chain.canonical import canonical_bytes
from app.domain.audit_chain.chain import GENESIS, chain_hash
from app.domain.audit_chain.checkpoint import Checkpoint, signature_valid
from app.domain.audit_chain.merkle import append_to_frontier, frontier_root, leaf_hash


@dataclass(frozen=True)
class LogEntry:
    """One sealed entry. `document` is None once the event was pruned after export (hashes remain)."""

    position: int
    event_id: str
    document: dict[str, Any] | None
    leaf_hash: bytes
    previous_hash: bytes
    entry_hash: bytes
    event_missing: bool = False  # the seal exists but the event row is gone without a pruning

    def label(self) -> str:
        return f"Eintrag Nr. {self.position} (id {self.event_id})"


@dataclass
class VerificationReport:
    entries: int = 0
    checkpoints: int = 0
    covered_through: int = 0  # entries covered by a valid checkpoint
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_log(
    entries: Sequence[LogEntry],
    checkpoints: Iterable[Checkpoint],
    trusted_keys: dict[str, bytes],
    witnessed: Iterable[Checkpoint] = (),
) -> VerificationReport:
    report = VerificationReport(entries=len(entries))
    report.findings.extend(_order_findings(entries))
    by_position: dict[int, LogEntry] = {}
    for entry in entries:
        by_position.setdefault(entry.position, entry)
    size = max(by_position) + 1 if by_position else 0

    checks = sorted(
        [(cp, "") for cp in checkpoints] + [(cp, "Zeugen-") for cp in witnessed],
        key=lambda item: item[0].tree_size,
    )
    report.checkpoints = len(checks)
    for checkpoint, prefix in checks:
        if not signature_valid(checkpoint, trusted_keys):
            report.findings.append(
                f"{prefix}{checkpoint.label()}: Signatur ungültig oder Schlüssel {checkpoint.key_id} "
                "nicht vertrauenswürdig – der Checkpoint wurde ersetzt oder gefälscht."
            )

    frontier: list[tuple[int, bytes]] = []
    previous: LogEntry | None = None
    gap_seen = False
    pending = [c for c in checks if c[0].tree_size > 0]
    for position in range(size):
        current = by_position.get(position)
        if current is None:
            if position == 0 or (position - 1) in by_position:
                report.findings.append(_gap_finding(position, by_position, size))
            gap_seen = True
            previous = None
            continue
        entry = current
        report.findings.extend(_entry_findings(entry, previous, position == 0))
        leaf = _computed_leaf(entry)
        frontier = append_to_frontier(frontier, leaf)
        previous = entry
        while pending and pending[0][0].tree_size == position + 1:
            checkpoint, prefix = pending.pop(0)
            findings = [] if gap_seen else _checkpoint_findings(checkpoint, prefix, frontier, entry)
            report.findings.extend(findings)
            if not findings and not gap_seen and signature_valid(checkpoint, trusted_keys):
                report.covered_through = max(report.covered_through, checkpoint.tree_size)
    for checkpoint, prefix in pending:
        last = by_position.get(size - 1)
        tail = f"letzter vorhandener Eintrag: {last.label()}" if last else "das Protokoll ist leer"
        report.findings.append(
            f"Einträge ab Nr. {size} fehlen: der {prefix}{checkpoint.label()} umfasst "
            f"{checkpoint.tree_size} Einträge ({tail}) – das Ende des Protokolls wurde abgeschnitten."
        )
    return report


def _order_findings(entries: Sequence[LogEntry]) -> list[str]:
    findings = []
    for before, after in pairwise(entries):
        if after.position == before.position:
            findings.append(f"{after.label()} kommt mehrfach vor.")
        elif after.position < before.position:
            findings.append(f"Reihenfolge verändert: {after.label()} steht nach {before.label()}.")
    return findings


def _gap_finding(position: int, by_position: dict[int, LogEntry], size: int) -> str:
    end = position
    while end + 1 < size and end + 1 not in by_position:
        end += 1
    missing = f"Eintrag Nr. {position}" if end == position else f"Einträge Nr. {position} bis {end}"
    before = by_position.get(position - 1)
    after = by_position.get(end + 1)
    where = " zwischen " + " und ".join(e.label() for e in (before, after) if e) if before or after else ""
    return f"{missing} fehlt{'' if end == position else 'en'}{where} – gelöscht oder entfernt."


def _computed_leaf(entry: LogEntry) -> bytes:
    if entry.document is None:
        return entry.leaf_hash
    return leaf_hash(canonical_bytes(entry.document))


def _entry_findings(entry: LogEntry, previous: LogEntry | None, first: bool) -> list[str]:
    if entry.event_missing:
        return [f"{entry.label()} fehlt: das Ereignis wurde ohne Bereinigung gelöscht."]
    findings = []
    if entry.document is not None:
        if entry.document.get("id") != entry.event_id or not _is_uuid(entry.event_id):
            findings.append(f"{entry.label()}: die Ereignis-id im Inhalt stimmt nicht.")
        if _computed_leaf(entry) != entry.leaf_hash:
            findings.append(f"{entry.label()}: Inhalt verändert – der Hash des Eintrags stimmt nicht mehr.")
            return findings
    expected_previous = GENESIS if first else previous.entry_hash if previous else entry.previous_hash
    if entry.previous_hash != expected_previous:
        findings.append(
            f"{entry.label()}: Verweis auf den Vorgänger stimmt nicht – die Kette ist hier unterbrochen."
        )
    elif chain_hash(entry.previous_hash, entry.leaf_hash) != entry.entry_hash:
        findings.append(f"{entry.label()}: Kettenhash stimmt nicht.")
    return findings


def _checkpoint_findings(
    checkpoint: Checkpoint, prefix: str, frontier: list[tuple[int, bytes]], last: LogEntry
) -> list[str]:
    findings = []
    if frontier_root(frontier) != checkpoint.root_hash:
        findings.append(
            f"{prefix}{checkpoint.label()}: die Merkle-Wurzel stimmt nicht mit den Einträgen Nr. 0 bis "
            f"{checkpoint.tree_size - 1} überein (letzter gedeckter: {last.label()})."
        )
    if last.entry_hash != checkpoint.chain_head:
        findings.append(
            f"{prefix}{checkpoint.label()}: der Kettenkopf stimmt nicht mit {last.label()} überein."
        )
    return findings


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
