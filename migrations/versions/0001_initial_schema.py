"""Initial schema: institutions, users, persons, shared cases with participants and items, audit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("withheld_categories", sa.JSON(), nullable=False),
        sa.Column("bases", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("recipient_institution_id", sa.Uuid(), nullable=True),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_events_id")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_person_id"), ["person_id"], unique=False)

    op.create_table(
        "institutions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institutions")),
        sa.UniqueConstraint("code", name=op.f("uq_institutions_code")),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ahvn13", sa.String(length=13), nullable=False),
        sa.Column("registered_by_institution_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_by_institution_id"],
            ["institutions.id"],
            name=op.f("fk_persons_registered_by_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("ahvn13", name=op.f("uq_persons_ahvn13")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"], name=op.f("fk_users_institution_id_institutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("lead_institution_id", sa.Uuid(), nullable=False),
        sa.Column("contact_person_user_id", sa.Uuid(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("reassessment_interval_months", sa.Integer(), nullable=False),
        sa.Column("current_segment", sa.String(length=1), nullable=True),
        sa.Column("reassessment_due_on", sa.Date(), nullable=True),
        sa.Column("follow_up_due_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_person_user_id"], ["users.id"], name=op.f("fk_cases_contact_person_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["lead_institution_id"],
            ["institutions.id"],
            name=op.f("fk_cases_lead_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_cases_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_opened_on_id", ["opened_on", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_phase"), ["phase"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_reassessment_due_on"), ["reassessment_due_on"], unique=False
        )
        # DFF: one shared case per client at a time.
        batch_op.create_index(
            "uq_cases_person_not_archived",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("phase != 'archived'"),
            postgresql_where=sa.text("phase != 'archived'"),
        )

    op.create_table(
        "case_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("owner_institution_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_items_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_institution_id"],
            ["institutions.id"],
            name=op.f("fk_case_items_owner_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_items")),
    )
    with op.batch_alter_table("case_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_items_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("local_reference", sa.String(length=64), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_participants_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_case_participants_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_participants")),
    )
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_participants_institution_case", ["institution_id", "case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_case_participants_institution_case")

    op.drop_table("case_participants")
    with op.batch_alter_table("case_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_items_case_id"))

    op.drop_table("case_items")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("uq_cases_person_not_archived")
        batch_op.drop_index(batch_op.f("ix_cases_reassessment_due_on"))
        batch_op.drop_index(batch_op.f("ix_cases_phase"))
        batch_op.drop_index(batch_op.f("ix_cases_person_id"))
        batch_op.drop_index("ix_cases_opened_on_id")

    op.drop_table("cases")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_institution_id"))

    op.drop_table("users")
    op.drop_table("persons")
    op.drop_table("institutions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_person_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_institution_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_case_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
