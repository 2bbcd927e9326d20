"""Two sequencers over the same committed events (two processes on one SQLite file): each event gets
exactly one position, and the fan-out goes on.

On SQLite a sequencer's write transaction begins only with its UPDATE, so a second process can
position the very events the first has just read. The interleaving is forced, not waited for: the
first sequencer is held just before its UPDATE while the second positions and the worker fans out.
PostgreSQL serialises the sequencers with an advisory lock (the second would wait for the first).
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.events.delivery import DeliveryWorker, HttpSender
from app.adapters.events.models import DeliveryRow, OutboxEventRow, SubscriptionRow
from app.adapters.events.outbox import SqlEventLog
from app.adapters.events.sequencer import OutboxSequencer, wall_clock_microseconds
from app.adapters.events.subscriptions import add_subscription
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from tests.databases import is_postgres
from tests.world import World

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(is_postgres(), reason="PostgreSQL serialises the sequencers (advisory lock)"),
]

KEYS = LocalKeyring.in_memory()
EVENTS = 5


def _write_events(engine: Engine, institution_id: uuid.UUID) -> list[uuid.UUID]:
    written = []
    with make_session_factory(engine).begin() as session:
        for _ in range(EVENTS):
            change = ChangeEvent(
                type=EventType.CASE_CHANGED,
                case_id=uuid.uuid4(),
                occurred_at=datetime.now(UTC),
                source_institution_id=institution_id,
                categories=(DataCategory.FALLFUEHRUNG,),
            )
            SqlEventLog(session).add(change)
            written.append(change.id)
    return written


def _positions(engine: Engine) -> dict[uuid.UUID, int | None]:
    with engine.connect() as connection:
        return dict(connection.execute(select(OutboxEventRow.id, OutboxEventRow.position)).all())


def _other_process(engine: Engine, clock_offset: int) -> OutboxSequencer:
    """A sequencer as another process has it: its own engine and its own in-process lock."""
    other = OutboxSequencer(
        make_engine(str(engine.url)), clock=lambda: wall_clock_microseconds() + clock_offset
    )
    other._local_lock = threading.Lock()
    return other


def _hold_before_positioning(engine: Engine, meanwhile: Any) -> None:
    """Runs `meanwhile` once, when this engine's sequencer is about to write the positions it read."""
    done: list[bool] = []

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not done and statement.lstrip().upper().startswith("UPDATE OUTBOX_EVENTS"):
            done.append(True)
            meanwhile()

    event.listen(engine, "before_cursor_execute", before)


def test_two_sequencers_position_each_event_once_and_fan_out_goes_on(engine: Engine, world: World) -> None:
    sessions = make_session_factory(engine)
    subscribed = add_subscription(
        sessions, KEYS, world.sozialdienst.code, "https://x.invalid/hook", datetime.now(UTC)
    )
    assert subscribed is not None
    worker = DeliveryWorker(
        sessions, HttpSender(1), lambda: datetime.now(UTC), lambda institution, e: e.categories, keys=KEYS
    )
    worker._participates = lambda *_: True  # type: ignore[method-assign]  # bare events, no cases
    written = _write_events(engine, world.sozialdienst.id)

    first_engine = make_engine(str(engine.url))
    first = OutboxSequencer(first_engine)
    second = _other_process(engine, clock_offset=10_000_000)  # another clock: other positions
    seen_in_between: dict[uuid.UUID, int | None] = {}

    def second_process_positions_and_fans_out() -> None:
        assert second.sequence() == EVENTS
        seen_in_between.update(_positions(engine))
        worker.fan_out()

    _hold_before_positioning(first_engine, second_process_positions_and_fans_out)
    first.sequence()

    assert set(seen_in_between) == set(written) and None not in seen_in_between.values()
    assert _positions(engine) == seen_in_between, "an event positioned by one sequencer keeps its position"

    later = _write_events(engine, world.sozialdienst.id)
    first.sequence()
    worker.fan_out()  # not stalled: the events after the race are fanned out too
    with sessions() as session:
        deliveries = session.scalars(select(DeliveryRow.event_seq)).all()
        seqs = dict(session.execute(select(OutboxEventRow.id, OutboxEventRow.seq)).all())
        cursor = session.scalar(select(SubscriptionRow.fanout_cursor))
    first_engine.dispose()
    second.engine.dispose()
    assert sorted(deliveries) == sorted(seqs[i] for i in written + later), "one delivery per event"
    assert cursor == max(p for p in _positions(engine).values() if p is not None)
