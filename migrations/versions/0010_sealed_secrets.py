"""Secrets sealed under the KEK (TOTP seeds, webhook signing secrets); login throttles that decay.

Existing TOTP seeds and webhook secrets are sealed during the upgrade with the key provider the
settings name (COCKPIT_KEY_PROVIDER, COCKPIT_KEYRING_PATH, ...), as 0005 sealed the personal data; the
downgrade opens them again with the same provider. A database without such secrets needs no key.
Throttle rows are transient (failed logins of the last minutes) and are dropped.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, id column, plaintext column and its length, KEK id column, sealed column, kind)
_SEALED = (
    ("user_credentials", "user_id", "totp_secret", 64, "totp_kek_id", "totp_sealed", "totp"),
    ("event_subscriptions", "id", "secret", 128, "secret_kek_id", "secret_sealed", "webhook"),
)


def _sqlite_foreign_keys_off() -> None:
    # Batch mode rebuilds the tables on SQLite; rows referencing them would stop the drop.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")


def upgrade() -> None:
    _sqlite_foreign_keys_off()
    op.execute("DELETE FROM login_throttles")
    with op.batch_alter_table("login_throttles") as batch:
        batch.add_column(sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True))
    for table, id_column, plain, _, kek_column, sealed_column, kind in _SEALED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(kek_column, sa.String(length=64), nullable=True))
            batch.add_column(sa.Column(sealed_column, sa.LargeBinary(), nullable=True))
        _seal(op.get_bind(), table, id_column, plain, kek_column, sealed_column, kind)
        with op.batch_alter_table(table) as batch:
            batch.drop_column(plain)
            batch.create_index(f"ix_{table}_{kek_column}", [kek_column], unique=False)
            if table == "event_subscriptions":
                batch.alter_column(kek_column, existing_type=sa.String(length=64), nullable=False)
                batch.alter_column(sealed_column, existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    _sqlite_foreign_keys_off()
    for table, id_column, plain, length, kek_column, sealed_column, kind in _SEALED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(plain, sa.String(length=length), nullable=True))
        _open(op.get_bind(), table, id_column, plain, kek_column, sealed_column, kind)
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{kek_column}")
            batch.drop_column(sealed_column)
            batch.drop_column(kek_column)
            if table == "event_subscriptions":
                batch.alter_column(plain, existing_type=sa.String(length=length), nullable=False)
    op.execute("DELETE FROM login_throttles")
    with op.batch_alter_table("login_throttles") as batch:
        batch.drop_column("last_success_at")
        batch.drop_column("window_started_at")


def _provider() -> Any:
    from app.adapters.crypto.factory import build_key_provider
    from app.settings import Settings

    return build_key_provider(Settings())


def _table(name: str, *columns: str) -> sa.TableClause:
    types: dict[str, Any] = {"user_id": sa.Uuid(), "id": sa.Uuid()}
    return sa.table(
        name,
        *(sa.column(c, types.get(c, sa.LargeBinary() if "sealed" in c else sa.String())) for c in columns),
    )


def _seal(
    connection: sa.Connection,
    name: str,
    id_column: str,
    plain: str,
    kek_column: str,
    sealed_column: str,
    kind: str,
) -> None:
    from app.adapters.crypto.sealed_secrets import sealed_secret_context

    table = _table(name, id_column, plain, kek_column, sealed_column)
    rows = connection.execute(
        sa.select(table.c[id_column], table.c[plain]).where(table.c[plain].is_not(None))
    ).all()
    if not rows:
        return
    provider = _provider()
    kek_id = provider.current_kek_id()
    for row_id, secret in rows:
        sealed = provider.wrap(
            kek_id, secret.encode("utf-8"), sealed_secret_context(kind, uuid.UUID(str(row_id)))
        )
        connection.execute(
            table.update()
            .where(table.c[id_column] == row_id)
            .values({kek_column: kek_id, sealed_column: sealed})  # the plain column is dropped next
        )


def _open(
    connection: sa.Connection,
    name: str,
    id_column: str,
    plain: str,
    kek_column: str,
    sealed_column: str,
    kind: str,
) -> None:
    from app.adapters.crypto.sealed_secrets import sealed_secret_context

    table = _table(name, id_column, plain, kek_column, sealed_column)
    rows = connection.execute(
        sa.select(table.c[id_column], table.c[kek_column], table.c[sealed_column]).where(
            table.c[sealed_column].is_not(None)
        )
    ).all()
    if not rows:
        return
    provider = _provider()
    for row_id, kek_id, sealed in rows:
        context = sealed_secret_context(kind, uuid.UUID(str(row_id)))
        secret = provider.unwrap(kek_id, sealed, context).decode("utf-8")
        connection.execute(table.update().where(table.c[id_column] == row_id).values({plain: secret}))
