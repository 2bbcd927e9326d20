"""Field encryption: sealed Stammdaten and case content, blind indexes, data keys, documents, receipts.

Existing plaintext rows are sealed during the upgrade with the key provider the settings name
(COCKPIT_KEY_PROVIDER, COCKPIT_KEYRING_PATH, ...); the downgrade opens them again with the same
provider and refuses when a person's data key was destroyed (that data cannot come back). An empty
database needs no key in either direction.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_foreign_keys_off() -> None:
    # Batch mode rebuilds `persons` on SQLite (copy, drop, rename); with rows referencing it the
    # drop would fail while foreign keys are enforced. Effective only before the first write of
    # the transaction, which is where this runs on an existing database.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")


def upgrade() -> None:
    _sqlite_foreign_keys_off()
    _create_tables()
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("sealed_data", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("ahvn13_index", sa.LargeBinary(length=32), nullable=True))
        batch.add_column(sa.Column("name_index", sa.LargeBinary(length=32), nullable=True))
        batch.add_column(sa.Column("index_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("case_items") as batch:
        batch.add_column(sa.Column("sealed_content", sa.LargeBinary(), nullable=True))
    _seal_existing_rows(op.get_bind())
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("uq_persons_ahvn13", type_="unique")
        batch.drop_column("ahvn13")
        batch.drop_column("data")
        batch.alter_column("sealed_data", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("index_version", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_persons_ahvn13_index", ["ahvn13_index"])
        batch.create_index("ix_persons_name_index", ["name_index"], unique=False)
    with op.batch_alter_table("case_items") as batch:
        batch.drop_column("content")
        batch.alter_column("sealed_content", existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("ahvn13", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("data", sa.JSON(), nullable=True))
    with op.batch_alter_table("case_items") as batch:
        batch.add_column(sa.Column("content", sa.JSON(), nullable=True))
    _open_existing_rows(op.get_bind())
    with op.batch_alter_table("case_items") as batch:
        batch.drop_column("sealed_content")
        batch.alter_column("content", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("persons") as batch:
        batch.drop_index("ix_persons_name_index")
        batch.drop_constraint("uq_persons_ahvn13_index", type_="unique")
        for column in ("sealed_data", "ahvn13_index", "name_index", "index_version"):
            batch.drop_column(column)
        batch.alter_column("ahvn13", existing_type=sa.String(length=13), nullable=False)
        batch.alter_column("data", existing_type=sa.JSON(), nullable=False)
        batch.create_unique_constraint("uq_persons_ahvn13", ["ahvn13"])
    for table in ("deletion_receipts", "document_chunks", "documents", "key_secrets", "data_keys"):
        op.drop_table(table)


def _create_tables() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kek_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_data_keys_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_data_keys"),
        sa.UniqueConstraint("person_id", name="uq_data_keys_person_id"),
    )
    op.create_index("ix_data_keys_kek_id", "data_keys", ["kek_id"])
    op.create_table(
        "key_secrets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("kek_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_key_secrets"),
        sa.UniqueConstraint("purpose", "version", name="uq_key_secrets_purpose_version"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("owner_institution_id", sa.Uuid(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("sealed_filename", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_documents_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["owner_institution_id"],
            ["institutions.id"],
            name="fk_documents_owner_institution_id_institutions",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_documents_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_case_id", "documents", ["case_id"])
    op.create_table(
        "document_chunks",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_chunks_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "seq", name="pk_document_chunks"),
    )
    op.create_table(
        "deletion_receipts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deletion_receipts"),
    )
    op.create_index("ix_deletion_receipts_person_id", "deletion_receipts", ["person_id"])
    op.create_index("ix_deletion_receipts_destroyed_at", "deletion_receipts", ["destroyed_at"])


# -- data: plaintext rows in, sealed rows out (and back) ------------------------------------------

_persons = sa.table(
    "persons",
    sa.column("id", sa.Uuid()),
    sa.column("ahvn13", sa.String()),
    sa.column("data", sa.JSON()),
    sa.column("sealed_data", sa.LargeBinary()),
    sa.column("ahvn13_index", sa.LargeBinary()),
    sa.column("name_index", sa.LargeBinary()),
    sa.column("index_version", sa.Integer()),
)
_items = sa.table(
    "case_items",
    sa.column("id", sa.Uuid()),
    sa.column("case_id", sa.Uuid()),
    sa.column("content", sa.JSON()),
    sa.column("sealed_content", sa.LargeBinary()),
)
_cases = sa.table("cases", sa.column("id", sa.Uuid()), sa.column("person_id", sa.Uuid()))
_data_keys = sa.table(
    "data_keys",
    sa.column("id", sa.Uuid()),
    sa.column("person_id", sa.Uuid()),
    sa.column("kek_id", sa.String()),
    sa.column("wrapped", sa.LargeBinary()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_secrets = sa.table(
    "key_secrets",
    sa.column("id", sa.Uuid()),
    sa.column("purpose", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("kek_id", sa.String()),
    sa.column("wrapped", sa.LargeBinary()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _vault() -> Any:
    from app.adapters.crypto.factory import build_key_provider
    from app.adapters.crypto.vault import Vault
    from app.settings import Settings

    return Vault(build_key_provider(Settings()))


def _item_person(connection: sa.Connection) -> dict[uuid.UUID, uuid.UUID]:
    rows = connection.execute(
        sa.select(_items.c.id, _cases.c.person_id).join(_cases, _cases.c.id == _items.c.case_id)
    )
    return {item_id: person_id for item_id, person_id in rows}


def _seal_existing_rows(connection: sa.Connection) -> None:
    persons = connection.execute(sa.select(_persons.c.id, _persons.c.ahvn13, _persons.c.data)).all()
    if not persons:
        return
    from app.adapters.crypto.blind_index import (
        IndexedColumn,
        blind_index,
        normalise_ahvn13,
        normalise_name_birth_date,
    )
    from app.adapters.crypto.envelope import DataKey

    vault = _vault()
    now = datetime.now(UTC)
    index_keys = {}
    for column in IndexedColumn:
        purpose = f"index:{column.value}"
        secret = os.urandom(32)
        kek_id, wrapped = vault.wrap_secret(purpose, 1, secret)
        connection.execute(
            _secrets.insert().values(
                id=uuid.uuid4(),
                purpose=purpose,
                version=1,
                state="active",
                kek_id=kek_id,
                wrapped=wrapped,
                created_at=now,
            )
        )
        index_keys[column] = secret
    keys: dict[uuid.UUID, DataKey] = {}
    for person_id, ahvn13, data in persons:
        key, kek_id, wrapped = vault.new_data_key(person_id)
        keys[person_id] = key
        connection.execute(
            _data_keys.insert().values(
                id=key.id, person_id=person_id, kek_id=kek_id, wrapped=wrapped, created_at=now
            )
        )
        document = {"ahvn13": ahvn13, **data}
        name = normalise_name_birth_date(
            data["family_name"], data["given_name"], date.fromisoformat(data["birth_date"])
        )
        connection.execute(
            _persons.update()
            .where(_persons.c.id == person_id)
            .values(
                sealed_data=key.seal(_place("persons", "sealed_data", person_id, person_id), _json(document)),
                ahvn13_index=blind_index(index_keys[IndexedColumn.AHVN13], normalise_ahvn13(ahvn13)),
                name_index=blind_index(index_keys[IndexedColumn.NAME_BIRTH_DATE], name),
                index_version=1,
            )
        )
    owners = _item_person(connection)
    for item_id, content in connection.execute(sa.select(_items.c.id, _items.c.content)).all():
        person_id = owners[item_id]
        sealed = keys[person_id].seal(
            _place("case_items", "sealed_content", item_id, person_id), _json(content)
        )
        connection.execute(_items.update().where(_items.c.id == item_id).values(sealed_content=sealed))


def _open_existing_rows(connection: sa.Connection) -> None:
    persons = connection.execute(sa.select(_persons.c.id, _persons.c.sealed_data)).all()
    if not persons:
        return
    from app.adapters.crypto.envelope import DataKey

    vault = _vault()
    key_rows = {
        row.person_id: row
        for row in connection.execute(
            sa.select(_data_keys.c.id, _data_keys.c.person_id, _data_keys.c.kek_id, _data_keys.c.wrapped)
        )
    }
    keys: dict[uuid.UUID, DataKey] = {}
    for person_id, sealed in persons:
        key_row = key_rows[person_id]
        if key_row.wrapped is None:
            raise RuntimeError(
                "Rückstufung nicht möglich: die Daten mindestens einer Person wurden endgültig gelöscht "
                "(Crypto-Shredding) und lassen sich nicht wieder im Klartext ablegen."
            )
        key = vault.data_key(person_id, key_row.id, key_row.kek_id, key_row.wrapped)
        keys[person_id] = key
        document = json.loads(key.open(_place("persons", "sealed_data", person_id, person_id), sealed))
        ahvn13 = document.pop("ahvn13")
        connection.execute(
            _persons.update().where(_persons.c.id == person_id).values(ahvn13=ahvn13, data=document)
        )
    owners = _item_person(connection)
    for item_id, sealed in connection.execute(sa.select(_items.c.id, _items.c.sealed_content)).all():
        person_id = owners[item_id]
        content = json.loads(
            keys[person_id].open(_place("case_items", "sealed_content", item_id, person_id), sealed)
        )
        connection.execute(_items.update().where(_items.c.id == item_id).values(content=content))
    connection.execute(sa.delete(_secrets))
    connection.execute(sa.delete(_data_keys))


def _place(table: str, column: str, row_id: uuid.UUID, person_id: uuid.UUID) -> Any:
    from app.adapters.crypto.envelope import Place

    return Place(table, column, row_id, person_id)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
