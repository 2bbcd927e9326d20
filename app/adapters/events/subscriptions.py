"""Webhook subscriptions of the institutions' systems."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.crypto.providers import KeyProvider
from app.adapters.events.case_tables import institutions
from app.adapters.events.delivery import new_secret
from app.adapters.events.models import SubscriptionRow
from app.adapters.events.outbox import last_position
from app.adapters.events.webhook_secrets import seal_webhook_secret
from app.domain.identity import WebhookSubscription as Subscription


def add_subscription(
    sessions: sessionmaker[Session], keys: KeyProvider, institution_code: str, url: str, now: datetime
) -> tuple[uuid.UUID, str] | None:
    """A new subscription receives events written from now on; its signing secret (returned once) is
    stored sealed under the KEK. None if the institution is unknown."""
    with sessions.begin() as session:
        institution_id = session.scalar(
            select(institutions.c.id).where(institutions.c.code == institution_code)
        )
        if institution_id is None:
            return None
        latest = last_position(session)
        subscription = SubscriptionRow(
            id=uuid.uuid4(),
            institution_id=institution_id,
            url=url,
            active=True,
            created_at=now,
            fanout_cursor=latest,
        )
        secret = new_secret()
        seal_webhook_secret(keys, subscription, secret)
        session.add(subscription)
        return subscription.id, secret


class SqlSubscriptionRepository:
    """Webhook subscriptions inside a unit of work (the admin API); secrets sealed under the KEK."""

    def __init__(self, session: Session, keys: KeyProvider) -> None:
        self._session = session
        self._keys = keys

    def add(self, institution_id: uuid.UUID, url: str, secret: str, now: datetime) -> Subscription:
        latest = last_position(self._session)
        row = SubscriptionRow(
            id=uuid.uuid4(),
            institution_id=institution_id,
            url=url,
            active=True,
            created_at=now,
            fanout_cursor=latest,
        )
        seal_webhook_secret(self._keys, row, secret)
        self._session.add(row)
        self._session.flush()
        return _subscription(row)

    def list(self) -> list[Subscription]:
        rows = self._session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.created_at))
        return [_subscription(row) for row in rows]

    def deactivate(self, subscription_id: uuid.UUID) -> Subscription | None:
        row = self._session.get(SubscriptionRow, subscription_id)
        if row is None:
            return None
        row.active = False
        self._session.flush()
        return _subscription(row)


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(row.id, row.institution_id, row.url, row.active, row.created_at)
