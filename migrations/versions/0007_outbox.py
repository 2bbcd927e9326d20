"""Institution dossiers on shared cases (imported from and exported to the institutions' systems).

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0002"
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


def downgrade() -> None:
    op.drop_index(op.f("ix_institution_dossiers_case_id"), table_name="institution_dossiers")
    op.drop_table("institution_dossiers")
