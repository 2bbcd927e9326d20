"""Webhook subscriptions of the institutions' systems."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.db.event_models import SubscriptionRow
from app.adapters.db.models import InstitutionRow
from app.adapters.events.delivery import new_secret
from app.adapters.events.outbox import last_position


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
        latest = last_position(session)
        subscription = SubscriptionRow(
            id=uuid.uuid4(),
            institution_id=institution_id,
            url=url,
            secret=new_secret(),
            active=True,
            created_at=now,
            fanout_cursor=latest,
        )
        session.add(subscription)
        return subscription.id, subscription.secret
