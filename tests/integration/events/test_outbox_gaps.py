"""No change event is passed over: a transaction that commits late still reaches feed and webhooks.

The feed and the fan-out follow positions that the sequencer assigns after commit. The first test is
the exact race that lost events (a lower `seq` committed after a reader moved past it); the second
runs concurrent writers against a consumer and a webhook worker and counts every event.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.db.engine import make_session_factory
from app.adapters.events.delivery import DeliveryWorker, HttpSender
from app.adapters.events.models import OutboxEventRow
from app.adapters.events.outbox import SqlEventLog
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from app.services.ports import UnitOfWork
from tests.databases import is_postgres
from tests.integration.events.receiver import running_receiver
from tests.world import World

pytestmark = pytest.mark.integration

WRITERS = 8
EVENTS_PER_WRITER = 15

KEYS = LocalKeyring.in_memory()  # seals the webhook secrets of this module


def _event(case_id: uuid.UUID, institution_id: uuid.UUID) -> ChangeEvent:
    return ChangeEvent(
        type=EventType.CASE_CHANGED,
        case_id=case_id,
        occurred_at=datetime.now(UTC),
        source_institution_id=institution_id,
        categories=(DataCategory.FALLFUEHRUNG,),
    )


def _read_all(engine: Engine, cursor: int) -> tuple[list[ChangeEvent], int]:
    with make_session_factory(engine)() as session:
        events = SqlEventLog(session).after(cursor, 10_000)
    return events, (events[-1].sequence if events else cursor)


@pytest.mark.skipif(not is_postgres(), reason="SQLite lets one writer at a time: the race needs PostgreSQL")
def test_a_transaction_that_commits_after_a_later_one_is_still_read(engine: Engine, world: World) -> None:
    sessions = make_session_factory(engine)
    institution = world.sozialdienst.id
    slow, fast = _event(uuid.uuid4(), institution), _event(uuid.uuid4(), institution)
    sequencer = OutboxSequencer(engine)

    with sessions.begin() as slow_session:
        SqlEventLog(slow_session).add(slow)
        slow_session.flush()  # draws the lower seq, then waits before committing
        with sessions.begin() as fast_session:
            SqlEventLog(fast_session).add(fast)
        sequencer.sequence()
        first, cursor = _read_all(engine, 0)
    sequencer.sequence()
    second, _ = _read_all(engine, cursor)

    assert [e.id for e in first] == [fast.id]
    assert [e.id for e in second] == [slow.id]


def test_positions_stay_above_those_handed_out_before_a_restore(engine: Engine, world: World) -> None:
    now = [1_000_000]
    sequencer = OutboxSequencer(engine, clock=lambda: now[0])
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        for _ in range(3):
            SqlEventLog(session).add(_event(uuid.uuid4(), world.sozialdienst.id))
    sequencer.sequence()
    _, seen = _read_all(engine, 0)
    with sessions.begin() as session:  # an older backup comes back: the latest events are gone
        session.execute(delete(OutboxEventRow))
        SqlEventLog(session).add(_event(uuid.uuid4(), world.sozialdienst.id))
    now[0] += 60_000_000
    sequencer.sequence()

    after_restore, _ = _read_all(engine, seen)

    assert len(after_restore) == 1
    assert after_restore[0].sequence > seen


def test_concurrent_writers_every_event_once_in_the_feed_and_at_least_once_by_webhook(
    engine: Engine, world: World, uow_factory: Callable[[], UnitOfWork]
) -> None:
    sessions = make_session_factory(engine)
    cases = [uuid.uuid4() for _ in range(WRITERS)]
    written: list[uuid.UUID] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def write(case_id: uuid.UUID) -> None:
        try:
            for _ in range(EVENTS_PER_WRITER):
                event = _event(case_id, world.sozialdienst.id)
                with sessions.begin() as session:
                    SqlEventLog(session).add(event)
                    session.flush()
                with lock:
                    written.append(event.id)
        except BaseException as error:  # reported below
            errors.append(error)

    with running_receiver() as receiver:
        found = add_subscription(sessions, KEYS, world.sozialdienst.code, receiver.url, datetime.now(UTC))
        assert found is not None
        receiver.secret = found[1]
        sequencer = OutboxSequencer(engine)
        worker = DeliveryWorker(
            sessions,
            HttpSender(5),
            lambda: datetime.now(UTC),
            lambda institution, event: event.categories,
            sequence=sequencer.sequence,
            keys=KEYS,
        )
        worker._participates = lambda *_: True  # type: ignore[method-assign]  # the cases are bare events here
        writers = [threading.Thread(target=write, args=(case_id,)) for case_id in cases]
        for thread in writers:
            thread.start()
        feed: list[uuid.UUID] = []
        cursor = 0
        while any(thread.is_alive() for thread in writers):  # consume while they write
            sequencer.sequence()
            events, cursor = _read_all(engine, cursor)
            feed.extend(e.id for e in events)
            worker.run_once()
        for thread in writers:
            thread.join()
        sequencer.sequence()
        events, cursor = _read_all(engine, cursor)
        feed.extend(e.id for e in events)
        while worker.run_once():
            pass

    assert not errors
    assert len(written) == WRITERS * EVENTS_PER_WRITER
    assert Counter(feed) == Counter(written)  # every event exactly once
    assert set(receiver.event_ids) == {str(event_id) for event_id in written}  # at least once
