"""Parallel writers and racing sequencers never fork or gap the chain."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, text

from app.adapters.audit_signing import load_signer
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.services.audit_integrity import verify_database
from app.services.ports import UnitOfWork
from tests.unit.audit_chain_builders import event

WRITERS = 16
EVENTS_PER_WRITER = 25


def test_parallel_writers_and_sequencers_keep_one_gapless_chain(
    engine: Engine, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    signer = load_signer(tmp_path / "key.pem", create_if_missing=True)
    sequencers = [SqlAuditLedger(engine, signer, batch_size=7) for _ in range(2)]  # two processes' worth
    done = threading.Event()

    def write(writer: int) -> None:
        for n in range(EVENTS_PER_WRITER):
            with uow_factory() as uow:
                uow.audit.append(event(writer * 1000 + n, id=uuid.uuid4()))

    def seal(ledger: SqlAuditLedger) -> None:
        while not done.is_set():
            ledger.seal()

    with ThreadPoolExecutor(WRITERS + len(sequencers)) as pool:
        sealing = [pool.submit(seal, ledger) for ledger in sequencers]
        writing = [pool.submit(write, w) for w in range(WRITERS)]
        for future in writing:
            future.result()
        sequencers[0].checkpoint()  # mid-stream checkpoints must stay consistent, too
        done.set()
        for future in sealing:
            future.result()
    sequencers[1].seal()
    total = WRITERS * EVENTS_PER_WRITER
    with engine.connect() as connection:
        positions = [
            row[0] for row in connection.execute(text("SELECT position FROM audit_seals ORDER BY position"))
        ]
        sealed_events = connection.execute(text("SELECT count(DISTINCT event_seq) FROM audit_seals")).scalar()
        pending = connection.execute(text("SELECT count(*) FROM audit_pending")).scalar()
    assert positions == list(range(total))
    assert sealed_events == total
    assert pending == 0
    sequencers[0].checkpoint()
    report = verify_database(sequencers[0], {signer.key_id: signer.public_key})
    assert report.ok, report.findings
    assert report.covered_through == total
