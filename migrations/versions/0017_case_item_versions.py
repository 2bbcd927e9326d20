"""A version per case record (`case_items.version`): the case's version becomes the core's only.

Revision ID: 0017
Revises: 0015
Create Date: 2026-11-30

Each sealed record counts its own changes, so a caller's ETag is made of the parts it may see and a
change is checked against the parts it touches; `cases.version` from now on counts changes of the
core (phase, lead, participants, dates) only. Every existing record starts at version 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch mode: a batch would copy the table on SQLite.


def upgrade() -> None:
    op.add_column("case_items", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("case_items", "version")
