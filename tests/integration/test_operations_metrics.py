"""Operational metrics on the default registry: pool, audit queue, outbox per subscriber, dead
letters, key-provider errors, refused logins. Read the way /metrics reads them (generate_latest)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import Engine

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.database_metrics import watch_database
from app.adapters.db.engine import make_session_factory
from app.adapters.events.delivery import DeliveryPolicy, DeliveryWorker, HttpSender
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import outboxing_audit_recorder
from app.services.ports import UnitOfWork
from tests.integration.events.test_webhooks import _open_case
from tests.integration.test_serve import _free_port
from tests.world import World

pytestmark = pytest.mark.integration

KEYS = LocalKeyring.in_memory()  # seals the webhook secrets of this module


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_state_of_audit_queue_outbox_and_pool_is_on_the_default_registry(
    engine: Engine, vault: Vault, world: World
) -> None:
    sessions = make_session_factory(engine)
    outboxing: Callable[[], UnitOfWork] = lambda: SqlUnitOfWork(  # noqa: E731
        sessions, audit_factory=outboxing_audit_recorder, vault=vault
    )
    nobody_listens = f"http://127.0.0.1:{_free_port()}/hooks"
    found = add_subscription(sessions, KEYS, world.sozialdienst.code, nobody_listens, datetime.now(UTC))
    assert found is not None
    subscription = str(found[0])
    dead_before = _value("cockpit_webhook_dead_letters_total")
    _open_case(outboxing, world)
    worker = DeliveryWorker(
        sessions,
        HttpSender(2),
        lambda: datetime.now(UTC),
        lambda institution, event: event.categories,
        DeliveryPolicy(max_attempts=1),
        sequence=OutboxSequencer(engine).sequence,
        keys=KEYS,
    )
    try:
        worker.run_once()
    finally:
        worker.close()
    watch_database(engine)  # this test's database, fresh (no cached scrape)

    text = generate_latest(REGISTRY).decode()

    assert 'cockpit_db_pool_connections{state="checked_out"}' in text
    assert _value("cockpit_state_scrape_ok") == 1.0
    assert _value("cockpit_audit_queue_depth") >= 1  # tests seal on demand: the events wait
    assert _value("cockpit_audit_seal_lag_seconds") >= 0
    assert _value("cockpit_outbox_dead_letters", subscription=subscription) == 1.0
    assert _value("cockpit_webhook_dead_letters_total") == dead_before + 1
    assert "cockpit_worker_heartbeat_age_seconds" in text


def test_key_provider_errors_and_refused_logins_are_counted(client: TestClient, vault: Vault) -> None:
    errors_before = _value("cockpit_key_provider_errors_total", operation="unwrap")
    refused_before = _value("cockpit_login_failures_total", channel="oauth_client")

    with pytest.raises(Exception):  # noqa: B017 - whatever the provider raises
        vault.data_key(uuid.uuid4(), uuid.uuid4(), vault.provider.current_kek_id(), b"\x00" * 40)
    client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "nobody"})

    assert _value("cockpit_key_provider_errors_total", operation="unwrap") == errors_before + 1
    assert _value("cockpit_login_failures_total", channel="oauth_client") == refused_before + 1
