"""Webhook subscriptions of the institutions' systems."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.db.event_models import OutboxEventRow, SubscriptionRow
from app.adapters.db.models import InstitutionRow
from app.adapters.events.delivery import new_secret


def add_subscription(
    sessions: sessionmaker[Session], institution_code: str, url: str, now: datetime
) -> tuple[uuid.UUID, str] | None:
    """A new subscription receives events written from now on. None if the institution is unknown."""
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
            secret=new_secret(),
            active=True,
            created_at=now,
            fanout_cursor=latest or 0,
        )
        session.add(subscription)
        return subscription.id, subscription.secret
