"""IIZ process: invitations to take part in a case or to take over its lead; referrals to case management.

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by_institution_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=False),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column("local_reference", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.Uuid(), nullable=True),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_invitations_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_case_invitations_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_institution_id"],
            ["institutions.id"],
            name=op.f("fk_case_invitations_invited_by_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_invitations")),
    )
    op.create_index(op.f("ix_case_invitations_case_id"), "case_invitations", ["case_id"])
    op.create_index(
        "ix_case_invitations_institution_status", "case_invitations", ["institution_id", "status"]
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("referring_institution_id", sa.Uuid(), nullable=False),
        sa.Column("cm_body_institution_id", sa.Uuid(), nullable=False),
        sa.Column("clearing_body_institution_id", sa.Uuid(), nullable=False),
        sa.Column("lead_institution_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("sealed_content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_referrals_person_id_persons")),
        sa.ForeignKeyConstraint(
            ["referring_institution_id"],
            ["institutions.id"],
            name=op.f("fk_referrals_referring_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["cm_body_institution_id"],
            ["institutions.id"],
            name=op.f("fk_referrals_cm_body_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["clearing_body_institution_id"],
            ["institutions.id"],
            name=op.f("fk_referrals_clearing_body_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_institution_id"],
            ["institutions.id"],
            name=op.f("fk_referrals_lead_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_person_id"), "referrals", ["person_id"])
    op.create_index(op.f("ix_referrals_referring_institution_id"), "referrals", ["referring_institution_id"])
    op.create_index(op.f("ix_referrals_cm_body_institution_id"), "referrals", ["cm_body_institution_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_referrals_cm_body_institution_id"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_referring_institution_id"), table_name="referrals")
    op.drop_index(op.f("ix_referrals_person_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_index("ix_case_invitations_institution_status", table_name="case_invitations")
    op.drop_index(op.f("ix_case_invitations_case_id"), table_name="case_invitations")
    op.drop_table("case_invitations")
