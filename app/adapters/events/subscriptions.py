"""Webhook subscriptions of the institutions' systems."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.crypto.providers import KeyProvider
from app.adapters.db.event_models import OutboxEventRow, SubscriptionRow
from app.adapters.db.models import InstitutionRow
from app.adapters.db.sealed_secrets import seal_webhook_secret
from app.adapters.events.delivery import new_secret


def add_subscription(
    sessions: sessionmaker[Session], keys: KeyProvider, institution_code: str, url: str, now: datetime
) -> tuple[uuid.UUID, str] | None:
    """A new subscription receives events written from now on; its signing secret (returned once) is
    stored sealed under the KEK. None if the institution is unknown."""
    with sessions.begin() as session:
        institution_id = session.scalar(
            select(InstitutionRow.id).where(InstitutionRow.code == institution_code)
        )
        if institution_id is None:
            return None
        latest = session.scalar(select(OutboxEventRow.seq).order_by(OutboxEventRow.seq.desc()).limit(1))
        subscription = SubscriptionRow(
            id=uuid.uuid4(),
            institution_id=institution_id,
            url=url,
            active=True,
            created_at=now,
            fanout_cursor=latest or 0,
        )
        secret = new_secret()
        seal_webhook_secret(keys, subscription, secret)
        session.add(subscription)
        return subscription.id, secret
