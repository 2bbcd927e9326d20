"""Webhook delivery: at least once, in order per case, with backoff and a dead-letter state.

Each delivery is committed on its own after the receiver answered 2xx; a worker killed in between
delivers the same event again on its next run (receivers drop duplicates by event id).
Whether a subscriber may hear of an event is decided at delivery time, by the policy as it is then.
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.db.event_models import DeliveryRow, OutboxEventRow, SubscriptionRow
from app.adapters.db.models import CaseRow, ParticipationRow
from app.adapters.events.outbox import SqlEventLog, change_event, reassessment_due_event
from app.adapters.events.pendenz_events import raise_pendenz_events
from app.adapters.events.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent
from app.domain.pendenzen import PendenzenRules

PENDING, DELIVERED, SKIPPED, DEAD = "pending", "delivered", "skipped", "dead"


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
        pendenz_rules: PendenzenRules | None = None,
    ) -> None:
        self._sessions = session_factory
        self._audience = audience  # asked per delivery: the policy as it is then
        self._sender = sender
        self._now = now
        self._policy = policy or DeliveryPolicy()
        self._pendenz_rules = pendenz_rules

    def run_once(self) -> int:
        """One pass: raise due reassessment events, fan new events out, deliver what is due.
        Returns the number of deliveries attempted."""
        self.raise_due_reassessments()
        if self._pendenz_rules is not None:  # the service's worker raises them; bare test workers do not
            self.raise_pendenz_events()
        self.fan_out()
        return self.deliver_due()

    def raise_due_reassessments(self) -> None:
        now = self._now()
        with self._sessions.begin() as session:
            query = select(CaseRow.id, CaseRow.lead_institution_id, CaseRow.reassessment_due_on).where(
                CaseRow.reassessment_due_on <= now.date(), CaseRow.phase != CasePhase.ARCHIVED.value
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
        """A delivery row per new event and subscription whose institution works on the case."""
        now = self._now()
        with self._sessions.begin() as session:
            for subscription in session.scalars(select(SubscriptionRow).where(SubscriptionRow.active)):
                events = session.scalars(
                    select(OutboxEventRow)
                    .where(OutboxEventRow.seq > subscription.fanout_cursor)
                    .order_by(OutboxEventRow.seq)
                    .limit(1000)
                ).all()
                for event in events:
                    if self._participates(session, subscription.institution_id, event.case_id):
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
                    subscription.fanout_cursor = event.seq

    @staticmethod
    def _participates(session: Session, institution_id: uuid.UUID, case_id: uuid.UUID) -> bool:
        query = select(ParticipationRow.id).where(
            ParticipationRow.case_id == case_id,
            ParticipationRow.institution_id == institution_id,
            ParticipationRow.left_on.is_(None),
        )
        return session.scalar(query.limit(1)) is not None

    def deliver_due(self) -> int:
        attempted = 0
        for subscription_id, event_seq in self._due():
            attempted += 1
            self._deliver(subscription_id, event_seq)
        return attempted

    def _due(self) -> list[tuple[uuid.UUID, int]]:
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
        with self._sessions() as session:
            return [(row[0], row[1]) for row in session.execute(query)]

    def _deliver(self, subscription_id: uuid.UUID, event_seq: int) -> None:
        with self._sessions.begin() as session:
            delivery = session.get(DeliveryRow, (subscription_id, event_seq))
            subscription = session.get(SubscriptionRow, subscription_id)
            event_row = session.get(OutboxEventRow, event_seq)
            if delivery is None or subscription is None or event_row is None or delivery.status != PENDING:
                return
            event = change_event(event_row)
            categories = self._audience(subscription.institution_id, event)
            if not subscription.active or categories is None:
                delivery.status = SKIPPED
                return
            body = json.dumps(event.payload(categories), separators=(",", ":")).encode()
            now = self._now()
            timestamp = int(now.timestamp())
            headers = {
                "Content-Type": "application/json",
                EVENT_ID_HEADER: str(event.id),
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
            }
            try:
                status = self._sender.post(subscription.url, body, headers)
                error = "" if 200 <= status < 300 else f"HTTP {status}"
            except (OSError, httpx.HTTPError) as failure:
                error = type(failure).__name__
            delivery.attempts += 1
            if not error:
                delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, now, ""
            elif delivery.attempts >= self._policy.max_attempts:
                delivery.status, delivery.last_error = DEAD, error
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
