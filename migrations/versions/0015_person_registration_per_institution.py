"""Persons: one registration per institution and AHVN13 instead of one per AHVN13.

Each institution registers a client with the Stammdaten it typed itself; a second institution that
registers the same AHVN13 gets its own registration (its own id, data key and spelling) and learns
nothing from the answer about the first. The blind index stays; uniqueness moves to the pair
(AHVN13 index, registering institution). The downgrade restores one row per AHVN13 and fails while
two institutions hold a registration of the same person.

Revision ID: 0015
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_foreign_keys_off() -> None:
    # Batch mode rebuilds `persons` on SQLite (copy, drop, rename); with rows referencing it the
    # drop would fail while foreign keys are enforced.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")


def upgrade() -> None:
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("uq_persons_ahvn13_index", type_="unique")
        batch.create_unique_constraint(
            "uq_persons_ahvn13_per_institution", ["ahvn13_index", "registered_by_institution_id"]
        )


def downgrade() -> None:
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("uq_persons_ahvn13_per_institution", type_="unique")
        batch.create_unique_constraint("uq_persons_ahvn13_index", ["ahvn13_index"])
