"""Forms kept across a session timeout (sealed under the KEK, bound to their user, short-lived); a
blind index on the family name alone, for a search by name among the caller's own cases; the DPO's
"erledigt" per anomaly with a note sealed under the KEK.

The family-name index of existing persons is computed during the upgrade with the key provider the
settings name (as in 0005), under an index key of the same version as the other indexes; a database
without persons needs no key. The downgrade drops the column and its index keys.

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0017"
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
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("family_name_index", sa.LargeBinary(length=32), nullable=True))
        batch.create_index(batch.f("ix_persons_family_name_index"), ["family_name_index"], unique=False)
    _index_family_names(op.get_bind())
    op.create_table(
        "anomaly_reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("anomaly_key", sa.String(length=64), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by_id", sa.Uuid(), nullable=False),
        sa.Column("note_kek_id", sa.String(length=64), nullable=False),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_anomaly_reviews_done_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomaly_reviews")),
        sa.UniqueConstraint("anomaly_key", name=op.f("uq_anomaly_reviews_anomaly_key")),
    )
    op.create_index(op.f("ix_anomaly_reviews_note_kek_id"), "anomaly_reviews", ["note_kek_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Batch mode rebuilds persons on SQLite; the rows referencing it would stop the drop.
        op.execute("PRAGMA foreign_keys=OFF")
    op.drop_table("anomaly_reviews")
    op.execute(sa.text("DELETE FROM key_secrets WHERE purpose = :purpose").bindparams(purpose=_PURPOSE))
    with op.batch_alter_table("persons") as batch:
        batch.drop_index(batch.f("ix_persons_family_name_index"))
        batch.drop_column("family_name_index")
    op.drop_table("pending_forms")


_PURPOSE = "index:persons.family_name"
_persons = sa.table(
    "persons",
    sa.column("id", sa.Uuid()),
    sa.column("sealed_data", sa.LargeBinary()),
    sa.column("ahvn13_index", sa.LargeBinary()),
    sa.column("family_name_index", sa.LargeBinary()),
)


def _index_family_names(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.select(_persons.c.id, _persons.c.sealed_data).where(_persons.c.ahvn13_index.is_not(None))
    ).all()
    if not rows:
        return  # the key is created at first use, with the other index keys
    from sqlalchemy.orm import Session

    from app.adapters.crypto.blind_index import IndexedColumn, normalise_family_name
    from app.adapters.crypto.factory import build_key_provider
    from app.adapters.crypto.vault import Vault
    from app.adapters.db.crypto_models import KeySecretRow
    from app.adapters.db.key_store import SqlKeyStore, index_purpose
    from app.adapters.db.sealing import open_json, person_place
    from app.settings import Settings

    vault = Vault(build_key_provider(Settings()))
    session = Session(bind=connection)
    keys = SqlKeyStore(session, vault)
    known = connection.execute(
        sa.text("SELECT count(*) FROM key_secrets WHERE purpose = :purpose").bindparams(purpose=_PURPOSE)
    ).scalar_one()
    if not known:  # as of the other indexes' version, so that a later rotation moves all together
        version, state, _ = keys.secrets(index_purpose(IndexedColumn.AHVN13))[0]
        kek_id, wrapped = vault.wrap_secret(_PURPOSE, version, os.urandom(32))
        session.add(
            KeySecretRow(
                id=uuid.uuid4(),
                purpose=_PURPOSE,
                version=version,
                state=state,
                kek_id=kek_id,
                wrapped=wrapped,
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
    for person_id, sealed in rows:
        data = open_json(keys.data_key(person_id), person_place(person_id), sealed)
        _, index = keys.index_for_write(IndexedColumn.FAMILY_NAME, normalise_family_name(data["family_name"]))
        connection.execute(
            _persons.update().where(_persons.c.id == person_id).values(family_name_index=index)
        )
