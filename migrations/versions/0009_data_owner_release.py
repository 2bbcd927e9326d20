"""The data owner releases: a consent's flows count only once the institution whose data they release
recorded or confirmed it.

Existing consents keep what their recorder could release by itself: the recording institution's own
flows. Flows that released another institution's data wait for that institution's confirmation.
A revocation can exclude break-glass access to what the consent released.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("confirmed_by", sa.JSON(), nullable=True))
        # Revocations recorded so far did not say whether they exclude break-glass: they do not.
        batch.add_column(
            sa.Column("revocation_bars_break_glass", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    consents = sa.table(
        "consents",
        sa.column("id", sa.Uuid()),
        sa.column("granted_by_institution_id", sa.Uuid()),
        sa.column("confirmed_by", sa.JSON()),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(consents.c.id, consents.c.granted_by_institution_id)).all():
        bind.execute(
            consents.update()
            .where(consents.c.id == row.id)
            .values(confirmed_by=[str(row.granted_by_institution_id)])
        )
    with op.batch_alter_table("consents") as batch:
        batch.alter_column("confirmed_by", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("revocation_bars_break_glass")
        batch.drop_column("confirmed_by")
