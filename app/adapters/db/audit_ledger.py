"""The sequencer and the sealed log in the database.

Requests only insert their event (durable with the request's commit; a trigger queues it in
`audit_pending`). `seal()` integrates queued events into the hash chain and the Merkle tree in batches,
under one lock, so parallel writers never fork or gap the chain and never wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.adapters.audit_signing import CheckpointSigner
from app.adapters.db.audit_chain_models import (
    AuditCheckpointRow,
    AuditPendingRow,
    AuditPruneRow,
    AuditSealRow,
    AuditTreeStateRow,
)
from app.adapters.db.audit_rows import event_of
from app.adapters.db.models import AuditEventRow
from app.domain.audit_chain.canonical import event_document
from app.domain.audit_chain.chain import GENESIS, seal_batch
from app.domain.audit_chain.checkpoint import Checkpoint
from app.domain.audit_chain.merkle import (
    EMPTY_ROOT,
    append_to_frontier,
    consistency_proof,
    frontier_root,
    inclusion_proof,
)
from app.domain.audit_chain.verification import LogEntry

SEQUENCER_LOCK = 0x636B_7074_6175_6474 & 0x7FFF_FFFF_FFFF_FFFF  # pg_advisory_xact_lock key

SEAL_ATTEMPTS = 20
_LOCAL_LOCKS: dict[str, threading.Lock] = {}

events: Table = AuditEventRow.__table__  # type: ignore[assignment]
pending: Table = AuditPendingRow.__table__  # type: ignore[assignment]
seals: Table = AuditSealRow.__table__  # type: ignore[assignment]
tree_states: Table = AuditTreeStateRow.__table__  # type: ignore[assignment]
checkpoints: Table = AuditCheckpointRow.__table__  # type: ignore[assignment]
prunes: Table = AuditPruneRow.__table__  # type: ignore[assignment]


class TreeHead:
    def __init__(self, size: int, chain_head: bytes, frontier: list[tuple[int, bytes]]) -> None:
        self.size = size
        self.chain_head = chain_head
        self.frontier = frontier

    @property
    def root(self) -> bytes:
        return frontier_root(self.frontier) if self.size else EMPTY_ROOT


class SqlAuditLedger:
    def __init__(self, engine: Engine, signer: CheckpointSigner, batch_size: int = 5000) -> None:
        self.engine = engine
        self.signer = signer
        self.batch_size = batch_size
        # SQLite has no advisory locks: one lock per database file in this process, and a retry when
        # another process sealed the same positions first (the primary key on position refuses a fork).
        self._local_lock = _LOCAL_LOCKS.setdefault(str(engine.url), threading.Lock())

    # -- sequencing -------------------------------------------------------------------------------
    def seal(self) -> int:
        """Seal everything queued so far; returns the number of entries sealed."""
        total = 0
        while True:
            sealed = self._seal_batch_retrying()
            total += sealed
            if sealed < self.batch_size:
                return total

    def _seal_batch_retrying(self) -> int:
        for attempt in range(SEAL_ATTEMPTS):
            try:
                return self._seal_batch()
            except (IntegrityError, OperationalError):
                if attempt == SEAL_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _seal_batch(self) -> int:
        with self._local_lock, self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQUENCER_LOCK})
            rows = connection.execute(
                select(events)
                .join(pending, pending.c.event_seq == events.c.seq)
                .order_by(events.c.seq)
                .limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            head = self._head(connection)
            batch = seal_batch([event_of(row) for row in rows], head.size, head.chain_head)
            now = datetime.now(UTC)
            connection.execute(
                insert(seals),
                [
                    {
                        "position": seal.position,
                        "event_seq": row.seq,
                        "leaf_hash": seal.leaf_hash,
                        "previous_hash": seal.previous_hash,
                        "entry_hash": seal.entry_hash,
                        "sealed_at": now,
                    }
                    for seal, row in zip(batch, rows, strict=True)
                ],
            )
            frontier = head.frontier
            for seal in batch:
                frontier = append_to_frontier(frontier, seal.leaf_hash)
            connection.execute(
                insert(tree_states).values(
                    tree_size=head.size + len(batch),
                    root_hash=frontier_root(frontier),
                    chain_head=batch[-1].entry_hash,
                    frontier={"nodes": [[h, node.hex()] for h, node in frontier]},
                    sealed_at=now,
                )
            )
            connection.execute(delete(pending).where(pending.c.event_seq.in_([row.seq for row in rows])))
            return len(batch)

    def _head(self, connection: Connection) -> TreeHead:
        state = connection.execute(
            select(tree_states).order_by(tree_states.c.tree_size.desc()).limit(1)
        ).first()
        if state is None:
            return TreeHead(0, GENESIS, [])
        nodes = [(int(h), bytes.fromhex(node)) for h, node in state.frontier["nodes"]]
        return TreeHead(state.tree_size, state.chain_head, nodes)

    def head(self) -> TreeHead:
        with self.engine.connect() as connection:
            return self._head(connection)

    def unsealed_count(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(pending)) or 0

    # -- checkpoints ------------------------------------------------------------------------------
    def checkpoint(self, *, force: bool = False) -> Checkpoint | None:
        """Seal, then sign the current tree unless the latest checkpoint already covers it."""
        self.seal()
        head = self.head()
        latest = self.latest_checkpoint()
        if head.size == 0 or (latest is not None and latest.tree_size == head.size and not force):
            return latest
        signed = self.signer.sign(
            Checkpoint(head.size, head.root, head.chain_head, datetime.now(UTC), self.signer.key_id)
        )
        with self.engine.begin() as connection:
            connection.execute(
                insert(checkpoints).values(
                    tree_size=signed.tree_size,
                    root_hash=signed.root_hash,
                    chain_head=signed.chain_head,
                    issued_at=signed.issued_at,
                    key_id=signed.key_id,
                    signature=signed.signature,
                )
            )
        return signed

    def checkpoints(self) -> list[Checkpoint]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(checkpoints).order_by(checkpoints.c.id)).all()
        return [_checkpoint_of(row) for row in rows]

    def latest_checkpoint(self) -> Checkpoint | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(checkpoints).order_by(checkpoints.c.id.desc()).limit(1)).first()
        return None if row is None else _checkpoint_of(row)

    # -- proofs -----------------------------------------------------------------------------------
    def _leaves(self, size: int) -> list[bytes]:
        with self.engine.connect() as connection:
            return list(
                connection.scalars(
                    select(seals.c.leaf_hash).where(seals.c.position < size).order_by(seals.c.position)
                )
            )

    def position_of(self, event_id: Any) -> int | None:
        with self.engine.connect() as connection:
            return connection.scalar(
                select(seals.c.position)
                .join(events, events.c.seq == seals.c.event_seq)
                .where(events.c.id == event_id)
            )

    def inclusion_proof(self, position: int, tree_size: int) -> tuple[bytes, list[bytes]]:
        leaves = self._leaves(tree_size)
        if len(leaves) != tree_size:
            raise ValueError("tree size not sealed")
        return leaves[position], inclusion_proof(leaves, position)

    def consistency_proof(self, first_size: int, second_size: int) -> list[bytes]:
        leaves = self._leaves(second_size)
        if len(leaves) != second_size:
            raise ValueError("tree size not sealed")
        return consistency_proof(leaves, first_size)

    # -- reading the sealed log -------------------------------------------------------------------
    def entries(self) -> Iterator[LogEntry]:
        """All sealed entries in chain order; pruned events appear with their hashes only."""
        with self.engine.connect() as connection:
            horizon = connection.scalar(select(func.coalesce(func.max(prunes.c.before_position), 0))) or 0
            result = connection.execution_options(yield_per=2000).execute(
                select(seals, events)
                .join(events, events.c.seq == seals.c.event_seq, isouter=True)
                .order_by(seals.c.position)
            )
            for row in result:
                present = row.id is not None
                yield LogEntry(
                    position=row.position,
                    event_id=str(row.id) if present else f"seq {row.event_seq}",
                    document=event_document(event_of(row)) if present else None,
                    leaf_hash=row.leaf_hash,
                    previous_hash=row.previous_hash,
                    entry_hash=row.entry_hash,
                    event_missing=not present and row.position >= horizon,
                )

    def prune(self, before_position: int, checkpoint_tree_size: int, export_sha256: str) -> int:
        return prune_events(self, before_position, checkpoint_tree_size, export_sha256)

    def unsealed_event_ids(self) -> list[str]:
        """Events that neither sit in the queue nor carry a seal (a queue row was removed by hand)."""
        with self.engine.connect() as connection:
            rows = connection.scalars(
                select(events.c.id)
                .where(~select(seals.c.position).where(seals.c.event_seq == events.c.seq).exists())
                .where(~select(pending.c.event_seq).where(pending.c.event_seq == events.c.seq).exists())
            )
            return [str(r) for r in rows]


def _checkpoint_of(row: Any) -> Checkpoint:
    return Checkpoint(
        tree_size=row.tree_size,
        root_hash=row.root_hash,
        chain_head=row.chain_head,
        issued_at=row.issued_at,
        key_id=row.key_id,
        signature=row.signature,
    )


def prune_events(
    ledger: SqlAuditLedger, before_position: int, checkpoint_tree_size: int, export_sha256: str
) -> int:
    """Record the pruning and delete the events before `before_position`; seals and hashes stay."""
    with ledger.engine.begin() as connection:
        connection.execute(
            insert(prunes).values(
                before_position=before_position,
                checkpoint_tree_size=checkpoint_tree_size,
                export_sha256=export_sha256,
                pruned_at=datetime.now(UTC),
            )
        )
        doomed = select(seals.c.event_seq).where(seals.c.position < before_position).scalar_subquery()
        result = connection.execute(delete(events).where(events.c.seq.in_(doomed)))
        return int(result.rowcount or 0)
