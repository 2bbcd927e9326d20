"""Tables of the sealed audit log. The events table stays append-only; sealing data lives here.

- `audit_pending`: events inserted but not yet sealed (filled by a database trigger on insert, emptied
  by the sequencer), so a request never waits for the chain.
- `audit_seals`: the event's position in the chain and Merkle tree with its hashes (append-only).
- `audit_tree_states`: the tree after each sealed batch: size, root, chain head, compact range.
- `audit_checkpoints`: signed tree states handed to witnesses (append-only).
- `audit_prunes`: export-and-checkpoint records that allow deleting events older than the retention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base, SequenceNumber

Position = BigInteger().with_variant(Integer(), "sqlite")
Hash = LargeBinary(32)


class AuditPendingRow(Base):
    __tablename__ = "audit_pending"

    event_seq: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=False)


class AuditSealRow(Base):
    __tablename__ = "audit_seals"

    position: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=False)
    event_seq: Mapped[int] = mapped_column(Position, unique=True)
    leaf_hash: Mapped[bytes] = mapped_column(Hash)
    previous_hash: Mapped[bytes] = mapped_column(Hash)
    entry_hash: Mapped[bytes] = mapped_column(Hash)
    sealed_at: Mapped[datetime]


class AuditTreeStateRow(Base):
    __tablename__ = "audit_tree_states"

    tree_size: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(Hash)
    chain_head: Mapped[bytes] = mapped_column(Hash)
    frontier: Mapped[dict[str, Any]]  # {"nodes": [[height, hex hash], ...]}
    sealed_at: Mapped[datetime]


class AuditCheckpointRow(Base):
    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(Position, index=True)
    root_hash: Mapped[bytes] = mapped_column(Hash)
    chain_head: Mapped[bytes] = mapped_column(Hash)
    issued_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class AuditPruneRow(Base):
    __tablename__ = "audit_prunes"

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    before_position: Mapped[int] = mapped_column(Position)
    checkpoint_tree_size: Mapped[int] = mapped_column(Position)
    export_sha256: Mapped[str] = mapped_column(String(64))
    pruned_at: Mapped[datetime]
