"""The state of the database as metrics, read at scrape time by one collector on prometheus_client's
default registry, so every process that exposes metrics tells the same truth whichever process did
the work: the connection pool of this process, the audit queue and how long its oldest entry waits
for its seal, the change events not yet positioned, per subscriber the deliveries pending, the age of
the oldest and the dead letters, and the worker's last heartbeat. The state queries are cached a few
seconds and bounded by the engine's statement timeout. Labels carry ids and fixed words only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.db.audit_chain_models import AuditPendingRow
from app.adapters.db.models import AuditEventRow
from app.adapters.events.models import DeliveryRow, OutboxEventRow, SubscriptionRow, WorkerHeartbeatRow

STATE_CACHE_SECONDS = 5.0


class DatabaseStateCollector(Collector):
    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._cached_at = 0.0
        self._cached: list[GaugeMetricFamily] = []

    def watch(self, engine: Engine) -> None:
        with self._lock:
            self._engine, self._cached_at, self._cached = engine, 0.0, []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self._engine
        if engine is None:
            return
        yield from _pool_metrics(engine)
        with self._lock:
            if time.monotonic() - self._cached_at > STATE_CACHE_SECONDS:
                self._cached = _state_metrics(engine)
                self._cached_at = time.monotonic()
            yield from self._cached


def _pool_metrics(engine: Engine) -> Iterator[GaugeMetricFamily]:
    pool: Any = engine.pool
    family = GaugeMetricFamily(
        "cockpit_db_pool_connections", "Connections of this process's pool by state.", labels=["state"]
    )
    for state, reader in (("checked_out", "checkedout"), ("idle", "checkedin"), ("overflow", "overflow")):
        value = getattr(pool, reader, None)
        if callable(value):
            family.add_metric([state], float(max(0, value())))
    size = getattr(pool, "size", None)
    if callable(size):
        family.add_metric(["size"], float(size()))
    yield family


def _age(now: datetime, moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (now - moment).total_seconds())


def _state_metrics(engine: Engine) -> list[GaugeMetricFamily]:
    now = datetime.now(UTC)
    up = GaugeMetricFamily("cockpit_state_scrape_ok", "1 when the database state could be read.")
    try:
        with engine.connect() as connection:
            queued = connection.scalar(select(func.count()).select_from(AuditPendingRow)) or 0
            oldest_queued = connection.scalar(
                select(func.min(AuditEventRow.occurred_at)).join(
                    AuditPendingRow, AuditPendingRow.event_seq == AuditEventRow.seq
                )
            )
            unpositioned = connection.scalar(
                select(func.count()).select_from(OutboxEventRow).where(OutboxEventRow.position.is_(None))
            )
            per_subscriber = connection.execute(
                select(
                    DeliveryRow.subscription_id,
                    DeliveryRow.status,
                    func.count(),
                    func.min(OutboxEventRow.occurred_at),
                )
                .join(OutboxEventRow, OutboxEventRow.seq == DeliveryRow.event_seq)
                .where(DeliveryRow.status.in_(("pending", "dead")))
                .group_by(DeliveryRow.subscription_id, DeliveryRow.status)
            ).all()
            not_fanned_out = connection.execute(
                select(SubscriptionRow.id, func.count(OutboxEventRow.seq))
                .join(OutboxEventRow, OutboxEventRow.position > SubscriptionRow.fanout_cursor)
                .where(SubscriptionRow.active)
                .group_by(SubscriptionRow.id)
            ).all()
            last_beat = connection.scalar(
                select(func.max(WorkerHeartbeatRow.beat_at)).where(
                    WorkerHeartbeatRow.name.startswith("worker@")
                )
            )
    except SQLAlchemyError:
        up.add_metric([], 0.0)
        return [up]
    up.add_metric([], 1.0)
    audit_queue = GaugeMetricFamily("cockpit_audit_queue_depth", "Audit events durable but not yet sealed.")
    audit_queue.add_metric([], float(queued))
    seal_lag = GaugeMetricFamily(
        "cockpit_audit_seal_lag_seconds", "Age of the oldest audit event awaiting its seal."
    )
    seal_lag.add_metric([], _age(now, oldest_queued))
    outbox_queue = GaugeMetricFamily(
        "cockpit_outbox_unpositioned", "Committed change events awaiting a position."
    )
    outbox_queue.add_metric([], float(unpositioned or 0))
    pending = GaugeMetricFamily(
        "cockpit_outbox_pending_deliveries",
        "Deliveries not yet made, per subscription.",
        labels=["subscription"],
    )
    lag = GaugeMetricFamily(
        "cockpit_outbox_lag_seconds",
        "Age of the oldest event not yet delivered, per subscription.",
        labels=["subscription"],
    )
    dead = GaugeMetricFamily(
        "cockpit_outbox_dead_letters",
        "Deliveries given up (dead letters), per subscription.",
        labels=["subscription"],
    )
    for subscription_id, status, count, oldest in per_subscriber:
        if status == "pending":
            pending.add_metric([str(subscription_id)], float(count))
            lag.add_metric([str(subscription_id)], _age(now, oldest))
        else:
            dead.add_metric([str(subscription_id)], float(count))
    backlog = GaugeMetricFamily(
        "cockpit_outbox_not_fanned_out",
        "Positioned events not yet fanned out, per subscription.",
        labels=["subscription"],
    )
    for subscription_id, count in not_fanned_out:
        backlog.add_metric([str(subscription_id)], float(count))
    heartbeat = GaugeMetricFamily(
        "cockpit_worker_heartbeat_age_seconds",
        "Seconds since the last heartbeat of any worker (-1: none yet).",
    )
    heartbeat.add_metric([], _age(now, last_beat) if last_beat is not None else -1.0)
    return [up, audit_queue, seal_lag, outbox_queue, pending, lag, dead, backlog, heartbeat]


_STATE = DatabaseStateCollector()
REGISTRY.register(_STATE)


def watch_database(engine: Engine) -> None:
    """The engine whose pool and state the metrics report (the service's own)."""
    _STATE.watch(engine)
