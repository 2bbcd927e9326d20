"""Webhook delivery: at least once, in order per case, with backoff and a dead-letter state.

The HTTP call runs with no transaction open; its outcome is committed on its own after the receiver
answered. A worker killed in between delivers the same event again on its next run (receivers drop
duplicates by event id; so do they when two workers happen to send the same event). Each subscriber
has its own lane, so one slow receiver delays only its own deliveries.
Whether a subscriber may hear of an event is decided at delivery time, by the policy as it is then.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.crypto.providers import KeyProvider
from app.adapters.events.case_tables import cases, participants
from app.adapters.events.models import DeliveryRow, OutboxEventRow, SubscriptionRow
from app.adapters.events.outbox import SqlEventLog, change_event, reassessment_due_event
from app.adapters.events.pendenz_events import raise_pendenz_events
from app.adapters.events.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from app.adapters.events.webhook_secrets import webhook_secret
from app.adapters.failures import failure_summary
from app.adapters.operations_metrics import DEAD_LETTERS, WEBHOOK_DELIVERIES
from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent
from app.domain.pendenzen import PendenzenRules

PENDING, DELIVERED, SKIPPED, DEAD = "pending", "delivered", "skipped", "dead"
log = logging.getLogger("cockpit.worker")


class Sender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """The HTTP status of the receiver's answer; raises OSError/httpx.HTTPError when unreachable."""
        ...


class HttpSender:
    def __init__(self, timeout_seconds: float) -> None:
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        return self._client.post(url, content=body, headers=headers).status_code

    def close(self) -> None:
        self._client.close()


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 3600.0
    batch_size: int = 50

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        delay = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2 ** (attempts - 1))
        return now + timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter


LOCAL_TIME = ZoneInfo("Europe/Zurich")  # due dates follow the calendar day in Solothurn


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class DeliveryWorker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        sender: Sender,
        now: Callable[[], datetime],
        audience: Callable[[uuid.UUID, ChangeEvent], tuple[DataCategory, ...] | None],
        policy: DeliveryPolicy | None = None,
        sequence: Callable[[], int] | None = None,
        concurrency: int = 8,
        pendenz_rules: PendenzenRules | None = None,
        *,
        keys: KeyProvider,
    ) -> None:
        self._keys = keys  # opens the sealed signing secrets
        self._sessions = session_factory
        # Positions committed events (the sequencer of app/adapters/events/sequencer.py) before fan-out,
        # so a worker alone delivers everything even where no other process runs the sequencer.
        self._sequence = sequence
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="delivery")
        self._lanes: dict[uuid.UUID, Future[None]] = {}
        self._audience = audience  # asked per delivery: the policy as it is then
        self._sender = sender
        self._now = now
        self._policy = policy or DeliveryPolicy()
        self._pendenz_rules = pendenz_rules

    def run_once(self, *, wait: bool = True) -> int:
        """One pass: raise due reassessment events, fan new events out, deliver what is due.
        Returns the number of deliveries attempted (started, without `wait`)."""
        self.raise_due_reassessments()
        if self._sequence is not None:
            self._sequence()
        if self._pendenz_rules is not None:  # the service's worker raises them; bare test workers do not
            self.raise_pendenz_events()
        self.fan_out()
        return self.deliver_due(wait=wait)

    def raise_due_reassessments(self) -> None:
        now = self._now()
        with self._sessions.begin() as session:
            due = cases.c
            query = select(due.id, due.lead_institution_id, due.reassessment_due_on).where(
                due.reassessment_due_on <= now.date(), due.phase != CasePhase.ARCHIVED.value
            )
            log = SqlEventLog(session)
            for case_id, lead_id, due_on in session.execute(query):
                key = f"reassessment_due:{case_id}:{due_on}"
                if session.scalar(select(OutboxEventRow.seq).where(OutboxEventRow.dedupe_key == key)) is None:
                    log.add(reassessment_due_event(case_id, lead_id, now), dedupe_key=key)

    def raise_pendenz_events(self) -> int:
        """ "Due soon", "overdue" and "escalated" for the Pendenzen, once per occasion."""
        now = self._now()
        with self._sessions.begin() as session:
            rules = self._pendenz_rules or PendenzenRules()
            return raise_pendenz_events(session, now, now.astimezone(LOCAL_TIME).date(), rules)

    def fan_out(self) -> None:
        """A delivery row per new event and subscription whose institution works on the case; the
        cursor follows the events' positions, so an event that committed late is not passed over."""
        now = self._now()
        with self._sessions.begin() as session:
            # Several workers may run: each subscription is fanned out by one of them at a time.
            subscriptions = (
                select(SubscriptionRow).where(SubscriptionRow.active).with_for_update(skip_locked=True)
            )
            for subscription in session.scalars(subscriptions):
                events = session.scalars(
                    select(OutboxEventRow)
                    .where(OutboxEventRow.position > subscription.fanout_cursor)
                    .order_by(OutboxEventRow.position)
                    .limit(1000)
                ).all()
                for event in events:
                    already = session.get(DeliveryRow, (subscription.id, event.seq)) is not None
                    if not already and self._participates(
                        session, subscription.institution_id, event.case_id
                    ):
                        session.add(
                            DeliveryRow(
                                subscription_id=subscription.id,
                                event_seq=event.seq,
                                case_id=event.case_id,
                                status=PENDING,
                                attempts=0,
                                next_attempt_at=now,
                                last_error="",
                            )
                        )
                    subscription.fanout_cursor = event.position or subscription.fanout_cursor

    @staticmethod
    def _participates(session: Session, institution_id: uuid.UUID, case_id: uuid.UUID) -> bool:
        query = select(participants.c.id).where(
            participants.c.case_id == case_id,
            participants.c.institution_id == institution_id,
            participants.c.left_on.is_(None),
        )
        return session.scalar(query.limit(1)) is not None

    def deliver_due(self, *, wait: bool = True) -> int:
        """Start the due deliveries, one lane per subscriber: a subscriber's deliveries go out one
        after the other (order per case), different subscribers' at once, so a slow or hanging
        receiver delays only itself. With `wait` the pass returns when every lane is done; without,
        it returns at once and a subscriber whose lane still runs is left for a later pass."""
        busy = {sid for sid, lane in self._lanes.items() if not lane.done()}
        lanes: dict[uuid.UUID, list[int]] = {}
        for subscription_id, event_seq in self._due(busy):
            lanes.setdefault(subscription_id, []).append(event_seq)
        started = []
        for subscription_id, event_seqs in lanes.items():
            lane = self._pool.submit(self._deliver_lane, subscription_id, event_seqs)
            self._lanes[subscription_id] = lane
            started.append(lane)
        if wait:
            for lane in started:
                lane.result()
        return sum(len(seqs) for seqs in lanes.values())

    def close(self) -> None:
        """Let running lanes finish (each call is bounded by the sender's timeout)."""
        self._pool.shutdown(wait=True)

    def _deliver_lane(self, subscription_id: uuid.UUID, event_seqs: list[int]) -> None:
        for event_seq in event_seqs:
            try:
                self._deliver(subscription_id, event_seq)
            except Exception as error:  # the delivery stays pending and is tried again
                log.error("Zustellung fehlgeschlagen: %s", failure_summary(error))
                return

    def _due(self, busy: set[uuid.UUID] | None = None) -> list[tuple[uuid.UUID, int]]:
        """Due deliveries that are the oldest undelivered one of their case for their subscriber."""
        earlier = DeliveryRow.__table__.alias("earlier")
        blocked = (
            select(earlier.c.event_seq)
            .where(
                and_(
                    earlier.c.subscription_id == DeliveryRow.subscription_id,
                    earlier.c.case_id == DeliveryRow.case_id,
                    earlier.c.event_seq < DeliveryRow.event_seq,
                    earlier.c.status == PENDING,
                )
            )
            .exists()
        )
        query = (
            select(DeliveryRow.subscription_id, DeliveryRow.event_seq)
            .where(DeliveryRow.status == PENDING, DeliveryRow.next_attempt_at <= self._now(), ~blocked)
            .order_by(DeliveryRow.event_seq)
            .limit(self._policy.batch_size)
        )
        if busy:
            query = query.where(DeliveryRow.subscription_id.not_in(busy))
        with self._sessions() as session:
            return [(row[0], row[1]) for row in session.execute(query)]

    def _deliver(self, subscription_id: uuid.UUID, event_seq: int) -> None:
        """Read what to send, send it with no transaction open, then record the outcome."""
        with self._sessions() as session:
            delivery = session.get(DeliveryRow, (subscription_id, event_seq))
            subscription = session.get(SubscriptionRow, subscription_id)
            event_row = session.get(OutboxEventRow, event_seq)
            if delivery is None or subscription is None or event_row is None or delivery.status != PENDING:
                return
            event = change_event(event_row)
            active, institution_id = subscription.active, subscription.institution_id
            url, secret = subscription.url, webhook_secret(self._keys, subscription)
        categories = self._audience(institution_id, event) if active else None
        if categories is None:
            self._record(subscription_id, event_seq, "", self._now(), skipped=True)
            return
        body = json.dumps(event.payload(categories), separators=(",", ":")).encode()
        now = self._now()
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: str(event.id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        try:
            status = self._sender.post(url, body, headers)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except (OSError, httpx.HTTPError) as failure:
            error = type(failure).__name__
        self._record(subscription_id, event_seq, error, now)

    def _record(
        self, subscription_id: uuid.UUID, event_seq: int, error: str, now: datetime, *, skipped: bool = False
    ) -> None:
        with self._sessions.begin() as session:
            delivery = session.get(DeliveryRow, (subscription_id, event_seq))
            if delivery is None or delivery.status != PENDING:
                return  # another worker settled it meanwhile
            if skipped:
                delivery.status = SKIPPED
                return
            delivery.attempts += 1
            WEBHOOK_DELIVERIES.labels("delivered" if not error else "failed").inc()
            if not error:
                delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, now, ""
            elif delivery.attempts >= self._policy.max_attempts:
                delivery.status, delivery.last_error = DEAD, error
                DEAD_LETTERS.inc()
            else:
                delivery.next_attempt_at = self._policy.next_attempt(delivery.attempts, now)
                delivery.last_error = error

    def retry_dead(self, subscription_id: uuid.UUID | None = None) -> int:
        """Operator action: give dead-lettered deliveries a fresh set of attempts."""
        statement = update(DeliveryRow).where(DeliveryRow.status == DEAD)
        if subscription_id is not None:
            statement = statement.where(DeliveryRow.subscription_id == subscription_id)
        with self._sessions.begin() as session:
            result = session.execute(
                statement.values(status=PENDING, attempts=0, next_attempt_at=self._now()),
                execution_options={"synchronize_session": False},
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
