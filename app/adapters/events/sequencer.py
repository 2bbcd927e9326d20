"""The outbox sequencer: gives committed change events their position, in one line, after commit.

An event's `seq` is drawn when its transaction inserts it; a slower transaction can commit a lower
`seq` after a reader has moved past it, and that reader would never see it. So readers (the pull
feed, the webhook fan-out) follow `position` instead, which only one sequencer at a time assigns,
and only to events whose transaction has committed: an event that commits later gets a later
position, never one behind a reader's cursor.

Positions never fall below the wall clock in microseconds. After a restore from an older backup the
next position is therefore still above every position handed out before the restore, so a consumer's
cursor stays valid and it misses nothing written after the restore (events lost with the backup's
recovery point are lost for everyone; docs/operations.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, Table, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.adapters.events.models import OutboxEventRow

OUTBOX_SEQUENCER_LOCK = 0x636B_7074_6F75_7462 & 0x7FFF_FFFF_FFFF_FFFF  # pg_advisory_xact_lock key
ATTEMPTS = 5

outbox: Table = OutboxEventRow.__table__  # type: ignore[assignment]
_LOCAL_LOCKS: dict[str, threading.Lock] = {}


class PositionedMeanwhile(Exception):
    """Another sequencer positioned events of this batch first; the batch is read again."""


def wall_clock_microseconds() -> int:
    return time.time_ns() // 1000


class OutboxSequencer:
    def __init__(
        self,
        engine: Engine,
        batch_size: int = 1000,
        clock: Callable[[], int] = wall_clock_microseconds,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self._clock = clock
        # SQLite has no advisory locks: one lock per database file in this process, and a retry when
        # another process took the same positions first (the unique index refuses a duplicate).
        self._local_lock = _LOCAL_LOCKS.setdefault(str(engine.url), threading.Lock())

    def sequence(self) -> int:
        """Position every committed, unpositioned event; returns how many were positioned."""
        total = 0
        while True:
            positioned = self._batch_retrying()
            total += positioned
            if positioned < self.batch_size:
                return total

    def unsequenced(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.scalar(select(func.count()).select_from(outbox).where(outbox.c.position.is_(None)))
                or 0
            )

    def _batch_retrying(self) -> int:
        for attempt in range(ATTEMPTS):
            try:
                return self._batch()
            except (IntegrityError, OperationalError, PositionedMeanwhile):
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _batch(self) -> int:
        with self._local_lock, self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_SEQUENCER_LOCK})
            # Under READ COMMITTED this statement runs after the lock is held, so it sees everything
            # the previous sequencer committed, and only committed events.
            seqs = list(
                connection.scalars(
                    select(outbox.c.seq)
                    .where(outbox.c.position.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self.batch_size)
                )
            )
            if not seqs:
                return 0
            last = connection.scalar(select(func.max(outbox.c.position))) or 0
            start = max(int(last) + 1, self._clock())
            # On SQLite the write transaction begins only here: another process may have positioned
            # these events since they were read. Only unpositioned events are written; if any was
            # taken meanwhile, the whole batch is rolled back and read again.
            written = connection.execute(
                update(outbox)
                .where(outbox.c.seq == bindparam("b_seq"), outbox.c.position.is_(None))
                .values(position=bindparam("b_position")),
                [{"b_seq": seq, "b_position": start + offset} for offset, seq in enumerate(seqs)],
            )
            if connection.dialect.supports_sane_multi_rowcount and written.rowcount != len(seqs):
                raise PositionedMeanwhile()
            return len(seqs)
