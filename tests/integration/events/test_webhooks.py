"""Change events: outbox in the change's transaction, signed webhooks, order, retries, dead letters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.providers import KeyProvider
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.events.delivery import DEAD, DELIVERED, DeliveryPolicy, DeliveryWorker, HttpSender
from app.adapters.events.models import DeliveryRow, OutboxEventRow
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.legal_basis_file import packaged_rule_book
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import outboxing_audit_recorder
from app.domain.ahvn13 import Ahvn13
from app.domain.cases import MeasureKind, Segment
from app.domain.errors import InvariantViolation
from app.domain.principal import Principal
from app.services.access_config import AccessConfig
from app.services.cases import OpenCase, open_case
from app.services.context import RequestContext
from app.services.event_audience import event_audience
from app.services.invitations import Answer, answer_invitation
from app.services.participants import add_participant
from app.services.persons import PersonData, register_person
from app.services.plan import NewMeasure, add_measure
from app.services.ports import UnitOfWork
from app.services.segmentation import assess_segment
from tests.api_helpers import new_ahvn13
from tests.integration.events.receiver import Receiver, running_receiver
from tests.world import World, build_world


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def outboxing(engine: Engine, vault: Vault) -> Callable[[], UnitOfWork]:
    session_factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(session_factory, audit_factory=outboxing_audit_recorder, vault=vault)


@pytest.fixture
def cast(outboxing: Callable[[], UnitOfWork]) -> World:
    return build_world(outboxing)


KEYS = LocalKeyring.in_memory()  # seals the webhook secrets of this module


def _ctx(world: World, user: str) -> RequestContext:
    principal: Principal = world.users[user].as_principal()
    return RequestContext(principal, uuid.uuid4().hex, datetime.now(UTC))


def _open_case(uow_factory: Callable[[], UnitOfWork], world: World, user: str = "sd") -> uuid.UUID:
    ctx = _ctx(world, user)
    data = PersonData(Ahvn13.parse(new_ahvn13()), "Keller", "Mara", date(1984, 3, 12))
    person = register_person(uow_factory(), ctx, data)
    command = OpenCase(person.id, f"REF-{uuid.uuid4().hex[:6]}", date.today() - timedelta(days=30))
    return open_case(uow_factory(), ctx, command, 6).case.id


def _join(
    uow_factory: Callable[[], UnitOfWork],
    world: World,
    case_id: uuid.UUID,
    institution_id: uuid.UUID,
    user: str,
) -> None:
    """The Sozialdienst invites the institution, which accepts."""
    invited = add_participant(uow_factory(), _ctx(world, "sd"), case_id, None, institution_id, "X-1", None)
    invitation = invited.case.pending_invitation_for(institution_id)
    assert invitation is not None
    answer_invitation(uow_factory(), _ctx(world, user), case_id, invitation.id, Answer(accept=True))


def _add_measure(uow_factory: Callable[[], UnitOfWork], world: World, case_id: uuid.UUID, title: str) -> None:
    add_measure(uow_factory(), _ctx(world, "sd"), case_id, None, NewMeasure(title, MeasureKind.COURSE))


def _events(engine: Engine) -> list[OutboxEventRow]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(OutboxEventRow).order_by(OutboxEventRow.seq)))


def _worker(
    uow_factory: Callable[[], UnitOfWork],
    engine: Engine,
    clock: Callable[[], datetime],
    keys: KeyProvider = KEYS,
    **policy: object,
) -> DeliveryWorker:
    audience = event_audience(uow_factory, AccessConfig(rules=packaged_rule_book()), clock)
    return DeliveryWorker(
        make_session_factory(engine),
        HttpSender(5),
        clock,
        audience,
        DeliveryPolicy(**policy),  # type: ignore[arg-type]
        sequence=OutboxSequencer(engine).sequence,
        keys=keys,
    )


def _subscribe(engine: Engine, receiver: Receiver, code: str, keys: KeyProvider = KEYS) -> None:
    found = add_subscription(make_session_factory(engine), keys, code, receiver.url, datetime.now(UTC))
    assert found is not None
    receiver.secret = found[1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def test_change_and_its_event_commit_together_and_a_refusal_writes_none(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine
) -> None:
    case_id = _open_case(outboxing, cast)
    with pytest.raises(InvariantViolation):
        add_participant(outboxing(), _ctx(cast, "sd"), case_id, None, cast.sozialdienst.id, "X", date.today())

    events = _events(engine)

    assert [(e.type, e.case_id) for e in events] == [("case.created", case_id)]
    assert events[0].categories == ["fallfuehrung"]


def test_signed_webhooks_reach_participants_only_in_order_and_only_for_visible_categories(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine, receiver: Receiver
) -> None:
    _subscribe(engine, receiver, cast.rav.code)
    shared = _open_case(outboxing, cast)
    _join(outboxing, cast, shared, cast.rav.id, "rav")
    _add_measure(outboxing, cast, shared, "Bewerbungskurs")
    _open_case(outboxing, cast)  # the RAV is not on this one

    clock = Clock()
    while _worker(outboxing, engine, clock).run_once():
        pass

    assert receiver.rejected == 0
    assert [(e["type"], e["case_id"], e["categories"]) for e in receiver.received] == [
        ("case.created", str(shared), ["fallfuehrung"]),
        ("case.changed", str(shared), ["fallfuehrung"]),  # the RAV is invited
        ("case.changed", str(shared), ["fallfuehrung"]),  # the RAV accepts
    ]  # the Sozialdienst's plan is not the RAV's to see without consent: no notice of it either
    sequences = [e["sequence"] for e in receiver.received]
    assert sequences == sorted(sequences)
    assert all(
        set(e) == {"id", "type", "case_id", "occurred_at", "source_institution_id", "categories", "sequence"}
        for e in receiver.received
    )


def test_failures_back_off_hold_later_events_of_the_case_and_end_as_dead_letter(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine, receiver: Receiver
) -> None:
    _subscribe(engine, receiver, cast.sozialdienst.code)
    case_id = _open_case(outboxing, cast)
    _add_measure(outboxing, cast, case_id, "Kurs A")
    receiver.answer = 503
    clock = Clock()
    receiver.clock = lambda: clock().timestamp()  # the receiver's replay window follows the same clock
    worker = _worker(outboxing, engine, clock, max_attempts=3, backoff_base_seconds=60)

    assert worker.run_once() == 1  # only the first event of the case: the second waits behind it
    assert worker.run_once() == 0  # backing off
    clock.now += timedelta(seconds=200)
    assert worker.run_once() == 1
    clock.now += timedelta(seconds=400)
    assert worker.run_once() == 1  # third attempt: dead letter, the next event of the case is free
    receiver.answer = 200
    clock.now += timedelta(hours=2)
    while worker.run_once():
        pass

    with make_session_factory(engine)() as session:
        statuses = [d.status for d in session.scalars(select(DeliveryRow).order_by(DeliveryRow.event_seq))]
    assert statuses == [DEAD, DELIVERED]
    assert worker.retry_dead() == 1
    worker.run_once()
    assert len(set(receiver.event_ids)) == 2


def test_killing_the_worker_mid_delivery_loses_no_event(
    outboxing: Callable[[], UnitOfWork],
    cast: World,
    engine: Engine,
    database_url: str,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    keyring = tmp_path / "keyring.json"  # the worker process opens the webhook secret with it
    keys = LocalKeyring.open(keyring, create=True)
    _subscribe(engine, receiver, cast.sozialdienst.code, keys)
    case_id = _open_case(outboxing, cast)
    _add_measure(outboxing, cast, case_id, "Kurs A")
    written = [str(e.id) for e in _events(engine)]
    receiver.hold = threading.Event()
    env = {
        **os.environ,
        "COCKPIT_DATABASE_URL": database_url,
        "COCKPIT_WORKER_POLL_SECONDS": "0.05",
        "COCKPIT_KEYRING_PATH": str(keyring),
        "COCKPIT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",  # the receiver of this test
        "COCKPIT_PENDENZEN_EVENTS": "false",  # Pendenzen of the other tests' cases would be delivered too
    }
    cockpit = os.path.join(os.path.dirname(sys.executable), "cockpit")
    worker = subprocess.Popen([cockpit, "worker"], env=env, stdout=subprocess.DEVNULL)
    try:
        assert receiver.first_request.wait(timeout=60), "the worker never delivered"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    receiver.hold.set()
    receiver.hold = None

    while _worker(outboxing, engine, Clock(), keys).run_once():
        pass

    assert set(receiver.event_ids) == set(written)
    assert receiver.event_ids.count(written[0]) == 2  # delivered again: the receiver drops it by id


def test_a_due_reassessment_is_announced_once(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine
) -> None:
    case_id = _open_case(outboxing, cast)
    assess_segment(
        outboxing(),
        _ctx(cast, "sd"),
        case_id,
        None,
        Segment.VERAENDERN,
        date.today() - timedelta(days=29),
        "",
    )
    worker = _worker(outboxing, engine, Clock())
    worker.raise_due_reassessments()
    assert [e.type for e in _events(engine)].count("case.reassessment_due") == 0

    later = Clock()
    later.now += timedelta(days=400)
    _worker(outboxing, engine, later).raise_due_reassessments()
    _worker(outboxing, engine, later).raise_due_reassessments()

    due = [e for e in _events(engine) if e.type == "case.reassessment_due"]
    assert [(e.case_id, e.categories) for e in due] == [(case_id, ["fallfuehrung"])]


def test_subscribe_prints_the_secret_once_and_refuses_plain_http_elsewhere(
    cast: World, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from app.entrypoints.cli.main import app as cli

    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["events", "subscribe", "--stelle", cast.rav.code, "--url", "https://rav.example/hook"]
    )
    refused = runner.invoke(
        cli, ["events", "subscribe", "--stelle", cast.rav.code, "--url", "http://rav.example/h"]
    )

    assert ok.exit_code == 0 and "Geheimnis (nur jetzt sichtbar):" in ok.output
    assert refused.exit_code == 2


def test_pendenzen_raise_due_soon_overdue_and_escalated_once_each(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine
) -> None:
    case_id = _open_case(outboxing, cast)
    assess_segment(outboxing(), _ctx(cast, "sd"), case_id, None, Segment.VERAENDERN, date.today(), "")

    def kinds(clock: Clock) -> list[str]:
        worker = _worker(outboxing, engine, clock)
        worker.raise_pendenz_events()
        worker.raise_pendenz_events()  # a second pass raises nothing new
        return sorted(
            e.type for e in _events(engine) if e.case_id == case_id and e.type.startswith("pendenz.")
        )

    assert kinds(Clock()) == []  # the reassessment is six months away
    soon = Clock()
    soon.now += timedelta(days=170)
    assert kinds(soon) == ["pendenz.due_soon"]
    overdue = Clock()
    overdue.now += timedelta(days=190)
    assert kinds(overdue) == ["pendenz.due_soon", "pendenz.overdue"]
    escalated = Clock()
    escalated.now += timedelta(days=220)
    assert kinds(escalated) == ["pendenz.due_soon", "pendenz.escalated", "pendenz.overdue"]
