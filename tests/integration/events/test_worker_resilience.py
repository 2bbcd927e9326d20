"""The worker keeps going: per-subscriber lanes, no transaction around the HTTP call, a loop that
backs off on database errors instead of dying, and a heartbeat that `cockpit worker --check` reads."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.db.engine import make_session_factory
from app.adapters.events.delivery import DeliveryWorker, HttpSender
from app.adapters.events.outbox import SqlEventLog
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.events.worker_loop import Heartbeat, WorkerLoop, latest_heartbeat
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from app.entrypoints.cli.main import app as cli
from tests.integration.events.receiver import Receiver, running_receiver
from tests.world import World

pytestmark = pytest.mark.integration

BOUND_SECONDS = 60  # an upper bound for a hung test, not a timing assertion

KEYS = LocalKeyring.in_memory()  # seals the webhook secrets of this module


def _now() -> datetime:
    return datetime.now(UTC)


def _write_events(engine: Engine, institution_id: uuid.UUID, count: int) -> list[str]:
    ids = []
    with make_session_factory(engine).begin() as session:
        for _ in range(count):
            event = ChangeEvent(
                EventType.CASE_CHANGED, uuid.uuid4(), _now(), institution_id, (DataCategory.FALLFUEHRUNG,)
            )
            SqlEventLog(session).add(event)
            ids.append(str(event.id))
    return ids


def _subscribe(engine: Engine, world: World, receiver: Receiver) -> uuid.UUID:
    found = add_subscription(
        make_session_factory(engine), KEYS, world.sozialdienst.code, receiver.url, _now()
    )
    assert found is not None
    receiver.secret = found[1]
    return found[0]


def _bare_worker(engine: Engine) -> DeliveryWorker:
    worker = DeliveryWorker(
        make_session_factory(engine),
        HttpSender(30),
        _now,
        lambda institution, event: event.categories,
        sequence=OutboxSequencer(engine).sequence,
        keys=KEYS,
    )
    worker._participates = lambda *_: True  # type: ignore[method-assign]  # bare events, no cases
    return worker


def test_a_hanging_receiver_holds_only_its_own_lane_and_no_database_connection(
    engine: Engine, world: World
) -> None:
    with running_receiver() as slow, running_receiver() as fast:
        slow.hold = threading.Event()
        slow_lane = _subscribe(engine, world, slow)
        _subscribe(engine, world, fast)
        written = _write_events(engine, world.sozialdienst.id, 3)
        worker = _bare_worker(engine)
        try:
            deadline = time.monotonic() + BOUND_SECONDS
            while len(fast.received) < len(written):
                assert time.monotonic() < deadline, "the fast receiver waited for the slow one"
                worker.run_once(wait=False)
                time.sleep(0.01)
            assert slow.first_request.wait(BOUND_SECONDS)
            for lane, done in list(worker._lanes.items()):  # the fast lane records its last outcome
                if lane != slow_lane:
                    done.result(timeout=BOUND_SECONDS)
            connections_during_the_call = engine.pool.checkedout()  # type: ignore[attr-defined]
            slow_while_hanging = len(slow.received)
        finally:
            slow.hold.set()
            worker.close()

    assert sorted(fast.event_ids) == sorted(written)
    assert slow_while_hanging == 1
    assert connections_during_the_call == 0


def test_the_loop_backs_off_on_database_errors_and_carries_on(engine: Engine) -> None:
    outcomes: list[object] = [OperationalError("SELECT 1", {}, Exception("server closed")), 0, 0]
    stop = threading.Event()

    def one_pass() -> int:
        outcome = outcomes.pop(0)
        if not outcomes:
            stop.set()
        if isinstance(outcome, Exception):
            raise outcome
        return int(outcome)  # type: ignore[call-overload]

    heartbeat = Heartbeat(make_session_factory(engine), "worker@test", _now)
    loop = WorkerLoop(one_pass, poll_seconds=0.001, heartbeat=heartbeat)
    loop.run(stop)

    assert outcomes == []
    assert loop.failures_in_a_row == 0
    beat = latest_heartbeat(engine)
    assert beat is not None and beat[1] == "ok"


def test_worker_check_tells_whether_a_worker_lives(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    runner = CliRunner()

    before = runner.invoke(cli, ["worker", "--check"])
    once = runner.invoke(cli, ["worker", "--once"])
    after = runner.invoke(cli, ["worker", "--check"])

    assert before.exit_code == 1
    assert once.exit_code == 0, once.output
    assert after.exit_code == 0, after.output
