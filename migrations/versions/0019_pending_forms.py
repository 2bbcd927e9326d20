"""Forms kept across a session timeout: sealed under the KEK, bound to their user, short-lived.

Revision ID: 0019
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_forms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kek_id", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_forms_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_forms")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_forms_token_hash")),
    )
    op.create_index(op.f("ix_pending_forms_user_id"), "pending_forms", ["user_id"])
    op.create_index(op.f("ix_pending_forms_kek_id"), "pending_forms", ["kek_id"])
    op.create_index(op.f("ix_pending_forms_expires_at"), "pending_forms", ["expires_at"])


def downgrade() -> None:
    op.drop_table("pending_forms")
