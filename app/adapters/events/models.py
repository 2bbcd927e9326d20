"""Tables of the transactional outbox and of webhook delivery."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.sql_base import Base, SequenceNumber


class OutboxEventRow(Base):
    """Written in the transaction of the change it announces. Ids and categories only."""

    __tablename__ = "outbox_events"

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID] = mapped_column(index=True)
    source_institution_id: Mapped[uuid.UUID]
    categories: Mapped[list[str]]
    occurred_at: Mapped[datetime]
    # Events the worker raises itself (a reassessment falling due) are raised once per occasion.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # Assigned after commit by the sequencer (app/adapters/events/sequencer.py); readers follow it.
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)


class SubscriptionRow(Base):
    """An institution system's webhook endpoint. The secret signs every delivery (HMAC-SHA256); it is
    stored sealed under the KEK (app/adapters/events/webhook_secrets.py)."""

    __tablename__ = "event_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret_kek_id: Mapped[str] = mapped_column(String(64), index=True)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    fanout_cursor: Mapped[int] = mapped_column(BigInteger, default=0)


class WorkerHeartbeatRow(Base):
    """The last sign of life of a background process (worker, sequencer), for `--check` and readiness."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(200))


class DeliveryRow(Base):
    __tablename__ = "event_deliveries"

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("event_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    event_seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("outbox_events.seq"), primary_key=True)
    case_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(12))  # pending, delivered, skipped, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(String(200), default="")
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_event_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_event_deliveries_subscription_case", "subscription_id", "case_id", "event_seq"),
    )
