"""The hash chain: each sealed entry commits to its predecessor.

entry_hash(n) = SHA-256(entry_hash(n-1) || leaf_hash(n)), with 32 zero bytes before the first entry;
leaf_hash(n) is the RFC 9162 leaf hash of the event's canonical encoding, shared with the Merkle tree.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from app.domain.audit import AuditEvent
from app.domain.audit_chain.canonical import canonical_bytes, event_document
from app.domain.audit_chain.merkle import leaf_hash

GENESIS = bytes(32)


def event_leaf_hash(event: AuditEvent) -> bytes:
    return leaf_hash(canonical_bytes(event_document(event)))


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(previous + leaf).digest()


@dataclass(frozen=True)
class Seal:
    """Where an event stands in the log; stored next to the event, never inside it."""

    position: int
    event_id: uuid.UUID
    leaf_hash: bytes
    previous_hash: bytes
    entry_hash: bytes


def seal_batch(events: list[AuditEvent], start: int, previous: bytes) -> list[Seal]:
    seals = []
    for offset, event in enumerate(events):
        leaf = event_leaf_hash(event)
        entry = chain_hash(previous, leaf)
        seals.append(Seal(start + offset, event.id, leaf, previous, entry))
        previous = entry
    return seals
