"""Institution dossiers (exchange with the institutions' systems); change-event outbox and webhook delivery.

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "institution_dossiers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("local_reference", sa.String(length=64), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_institution_dossiers_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_institution_dossiers_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_dossiers")),
        sa.UniqueConstraint("case_id", "institution_id", name="uq_institution_dossiers_case_institution"),
    )
    op.create_index(op.f("ix_institution_dossiers_case_id"), "institution_dossiers", ["case_id"])
    # Loading a case looks its participants up by case; the composite index leads with the institution.
    op.create_index("ix_case_participants_case_id", "case_participants", ["case_id"])
    sequence = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "outbox_events",
        sa.Column("seq", sequence, autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("source_institution_id", sa.Uuid(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox_events")),
        sa.UniqueConstraint("id", name=op.f("uq_outbox_events_id")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_events_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_events_case_id"), "outbox_events", ["case_id"])
    op.create_table(
        "event_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fanout_cursor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_event_subscriptions_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_subscriptions")),
    )
    op.create_index(op.f("ix_event_subscriptions_institution_id"), "event_subscriptions", ["institution_id"])
    op.create_table(
        "event_deliveries",
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["event_subscriptions.id"],
            name=op.f("fk_event_deliveries_subscription_id_event_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["outbox_events.seq"], name=op.f("fk_event_deliveries_event_seq_outbox_events")
        ),
        sa.PrimaryKeyConstraint("subscription_id", "event_seq", name=op.f("pk_event_deliveries")),
    )
    op.create_index(
        "ix_event_deliveries_status_next_attempt_at", "event_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_event_deliveries_subscription_case",
        "event_deliveries",
        ["subscription_id", "case_id", "event_seq"],
    )


def downgrade() -> None:
    op.drop_index("ix_case_participants_case_id", table_name="case_participants")
    op.drop_table("event_deliveries")
    op.drop_index(op.f("ix_event_subscriptions_institution_id"), table_name="event_subscriptions")
    op.drop_table("event_subscriptions")
    op.drop_index(op.f("ix_outbox_events_case_id"), table_name="outbox_events")
    op.drop_table("outbox_events")
    op.drop_index(op.f("ix_institution_dossiers_case_id"), table_name="institution_dossiers")
    op.drop_table("institution_dossiers")
