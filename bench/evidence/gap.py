"""Concurrent writers on PostgreSQL, a feed consumer and a webhook worker: every event once in the
feed and at least once by webhook. A second consumer follows the old `seq` cursor beside it and
counts what it would have passed over, so the run also shows that the race really happened."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.events.delivery import DeliveryWorker, HttpSender
from app.adapters.events.models import OutboxEventRow
from app.adapters.events.outbox import SqlEventLog
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from bench.evidence.harness import next_port, receiving
from tests.databases import DatabaseFactory
from tests.world import build_world

PACE = 0.1


def run(pg_url: str, writers: int, seconds: float, workdir: Path) -> dict[str, object]:
    factory = DatabaseFactory(workdir, backend_url=pg_url)
    try:
        url = factory.migrated()
        engine = make_engine(url, pool_size=writers + 4)
        try:
            return _run(engine, writers, seconds)
        finally:
            engine.dispose()
    finally:
        factory.drop_all()


def _run(engine, writers: int, seconds: float) -> dict[str, object]:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(engine)
    vault = Vault(LocalKeyring.in_memory())
    world = build_world(lambda: SqlUnitOfWork(sessions, vault=vault))
    written: list[uuid.UUID] = []
    lock = threading.Lock()
    stop_writing = threading.Event()

    def write() -> None:
        while not stop_writing.is_set():
            event = ChangeEvent(
                EventType.CASE_CHANGED,
                uuid.uuid4(),
                datetime.now(UTC),
                world.sozialdienst.id,
                (DataCategory.FALLFUEHRUNG,),
            )
            with sessions.begin() as session:
                SqlEventLog(session).add(event)
                session.flush()  # the seq is drawn here …
                time.sleep(random.uniform(0, 0.003))
            with lock:
                written.append(event.id)
            stop_writing.wait(PACE)  # each writer ~10 events/s: the drain stays bounded

    with receiving(next_port()) as receiver:
        found = add_subscription(
            sessions, vault.provider, world.sozialdienst.code, receiver.url, datetime.now(UTC)
        )
        assert found is not None
        sequencer = OutboxSequencer(engine)
        worker = DeliveryWorker(
            sessions,
            HttpSender(5),
            lambda: datetime.now(UTC),
            lambda i, e: e.categories,
            sequence=sequencer.sequence,
            keys=vault.provider,
        )
        worker._participates = lambda *_: True  # type: ignore[method-assign]  # bare events, no cases
        feed: list[uuid.UUID] = []
        by_seq: list[uuid.UUID] = []
        stop_reading = threading.Event()

        def consume() -> None:
            position, seq_cursor = 0, 0
            while True:
                done = stop_reading.is_set()
                sequencer.sequence()
                with sessions() as session:
                    events = SqlEventLog(session).after(position, 10_000)
                    old = session.execute(
                        select(OutboxEventRow.seq, OutboxEventRow.id)
                        .where(OutboxEventRow.seq > seq_cursor)
                        .order_by(OutboxEventRow.seq)
                    ).all()
                feed.extend(e.id for e in events)
                position = events[-1].sequence if events else position
                by_seq.extend(row[1] for row in old)
                seq_cursor = old[-1][0] if old else seq_cursor
                if done:
                    return

        def deliver() -> None:
            while not stop_reading.is_set():
                worker.run_once()
            while worker.run_once():
                pass

        threads = [threading.Thread(target=write) for _ in range(writers)]
        reader, deliverer = threading.Thread(target=consume), threading.Thread(target=deliver)
        started = time.monotonic()
        for thread in [*threads, reader, deliverer]:
            thread.start()
        time.sleep(seconds)
        stop_writing.set()
        for thread in threads:
            thread.join()
        stop_reading.set()
        reader.join()
        deliverer.join()
        elapsed = time.monotonic() - started
        worker.close()
        delivered = set(receiver.event_ids)
    expected = {str(e) for e in written}
    feed_counts: dict[uuid.UUID, int] = {}
    for event_id in feed:
        feed_counts[event_id] = feed_counts.get(event_id, 0) + 1
    return {
        "writers": writers,
        "seconds": round(elapsed, 1),
        "events_written": len(written),
        "feed_missing": len(set(written) - set(feed)),
        "feed_duplicates": sum(1 for c in feed_counts.values() if c > 1),
        "webhook_missing": len(expected - delivered),
        "webhook_deliveries": len(receiver.event_ids),
        "old_seq_cursor_would_miss": len(set(written) - set(by_seq)),
        "ok": len(set(written) - set(feed)) == 0
        and all(c == 1 for c in feed_counts.values())
        and not (expected - delivered),
    }
