"""Outbox positions assigned after commit by the sequencer; worker heartbeats.

A change event's `seq` is drawn when its transaction inserts it, so a slower transaction can commit a
lower `seq` after a reader has passed it. `position` is assigned only to committed events, by one
sequencer at a time, and never falls below the wall clock in microseconds: readers follow
`position`, and a restored older backup never hands out a position a consumer has already seen.

Revision ID: 0011
Revises: 0008 (merged from issue 18; the reserved chain starts at 0007)
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_events") as batch:
        batch.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
    # Events written before this revision keep their order: their position is their sequence number.
    op.execute("UPDATE outbox_events SET position = seq")
    op.create_index(op.f("ix_outbox_events_position"), "outbox_events", ["position"], unique=True)
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeats")
    op.drop_index(op.f("ix_outbox_events_position"), table_name="outbox_events")
    with op.batch_alter_table("outbox_events") as batch:
        batch.drop_column("position")
