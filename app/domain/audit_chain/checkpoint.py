"""Signed checkpoints: a statement "the log had this size, this Merkle root and this chain head".

Whoever keeps a checkpoint (an institution, the DPO) can later prove that the log has not been
rewritten: every later state must contain it (consistency proof), and a rewrite would need the key.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.domain.audit_chain.canonical import canonical_bytes

LOG_ORIGIN = "cockpit-iiz-solothurn/audit"


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root_hash: bytes
    chain_head: bytes
    issued_at: datetime
    key_id: str
    signature: bytes = b""

    def signed_body(self) -> bytes:
        return canonical_bytes(
            {
                "origin": LOG_ORIGIN,
                "tree_size": self.tree_size,
                "root_hash": self.root_hash.hex(),
                "chain_head": self.chain_head.hex(),
                "issued_at": self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "key_id": self.key_id,
            }
        )

    def to_document(self) -> dict[str, Any]:
        return {
            "origin": LOG_ORIGIN,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "chain_head": self.chain_head.hex(),
            "issued_at": self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Checkpoint:
        return cls(
            tree_size=int(document["tree_size"]),
            root_hash=bytes.fromhex(document["root_hash"]),
            chain_head=bytes.fromhex(document["chain_head"]),
            issued_at=datetime.strptime(document["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            key_id=str(document["key_id"]),
            signature=base64.b64decode(document["signature"]),
        )

    def label(self) -> str:
        when = self.issued_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"Checkpoint vom {when} (Baumgrösse {self.tree_size})"


def signature_valid(checkpoint: Checkpoint, trusted_keys: dict[str, bytes]) -> bool:
    """trusted_keys: key id → raw Ed25519 public key (32 bytes)."""
    public = trusted_keys.get(checkpoint.key_id)
    if public is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(checkpoint.signature, checkpoint.signed_body())
    except (InvalidSignature, ValueError):
        return False
    return True
