"""The end of a case's follow-up period in plain text (`cases.case_ends_on`); `follow_up_due_on` goes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Consents of a closed case end with its follow-up period. The date sits in the sealed closure; keeping
it beside the case lets the access decision know it before anything is decrypted. The backfill needs
no keys where the old `follow_up_due_on` held it (a pending follow-up: its due date is that end).
Cases closed without a pending follow-up keep NULL here; the access step then opens their closure
first, as before, and the next write of the case stores the date (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch mode: SQLite (3.35+) adds and drops these columns in place, while a batch
# would copy `cases` and drop the old table, which deletes every case item by its ON DELETE CASCADE.


def upgrade() -> None:
    op.add_column("cases", sa.Column("case_ends_on", sa.Date(), nullable=True))
    op.execute("UPDATE cases SET case_ends_on = follow_up_due_on WHERE follow_up_due_on IS NOT NULL")
    op.drop_column("cases", "follow_up_due_on")


def downgrade() -> None:
    op.add_column("cases", sa.Column("follow_up_due_on", sa.Date(), nullable=True))
    # Only cases whose follow-up is still to come had the column; which of them is sealed, so the
    # date goes back for every case still in phase closed or follow_up.
    op.execute(
        "UPDATE cases SET follow_up_due_on = case_ends_on "
        "WHERE case_ends_on IS NOT NULL AND phase IN ('closed', 'follow_up')"
    )
    op.drop_column("cases", "case_ends_on")
