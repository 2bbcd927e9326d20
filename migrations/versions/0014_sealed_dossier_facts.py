"""Institution dossiers: facts sealed under the data key of the case's person, no plaintext hash.

The facts of an institution's dossier (job-search status, Aussteuerung, sanctions, IV decisions,
support status) were stored as plaintext JSON with an unkeyed SHA-256 of them; they are now sealed
like case items and opened only for a caller the policy allows. Existing rows are sealed during the
upgrade with the key provider the settings name (as in 0005); the downgrade opens them again. The
facts of a person whose data key was destroyed (crypto-shredding) are dropped, as the key's
destruction meant them to be. An empty table needs no key in either direction.

Revision ID: 0014
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_dossiers = sa.table(
    "institution_dossiers",
    sa.column("id", sa.Uuid()),
    sa.column("case_id", sa.Uuid()),
    sa.column("local_reference", sa.String()),
    sa.column("registered_on", sa.Date()),
    sa.column("facts", sa.JSON()),
    sa.column("fingerprint", sa.String()),
    sa.column("sealed_facts", sa.LargeBinary()),
)
_cases = sa.table("cases", sa.column("id", sa.Uuid()), sa.column("person_id", sa.Uuid()))
_data_keys = sa.table(
    "data_keys",
    sa.column("id", sa.Uuid()),
    sa.column("person_id", sa.Uuid()),
    sa.column("kek_id", sa.String()),
    sa.column("wrapped", sa.LargeBinary()),
)


def upgrade() -> None:
    with op.batch_alter_table("institution_dossiers") as batch:
        batch.add_column(sa.Column("sealed_facts", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_dossiers.c.id, _cases.c.person_id, _dossiers.c.facts).join(
            _cases, _cases.c.id == _dossiers.c.case_id
        )
    ).all()
    keys = _DataKeys(connection) if rows else None
    for dossier_id, person_id, facts in rows:
        assert keys is not None
        key = keys.of(person_id)
        sealed = key.seal(_place(dossier_id, person_id), _json(facts)) if key is not None else b""
        connection.execute(_dossiers.update().where(_dossiers.c.id == dossier_id).values(sealed_facts=sealed))
    with op.batch_alter_table("institution_dossiers") as batch:
        batch.drop_column("facts")
        batch.drop_column("fingerprint")
        batch.alter_column("sealed_facts", existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("institution_dossiers") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _dossiers.c.id,
            _cases.c.person_id,
            _dossiers.c.local_reference,
            _dossiers.c.registered_on,
            _dossiers.c.sealed_facts,
        ).join(_cases, _cases.c.id == _dossiers.c.case_id)
    ).all()
    keys = _DataKeys(connection) if rows else None
    for dossier_id, person_id, reference, registered_on, sealed in rows:
        assert keys is not None
        key = keys.of(person_id)
        facts = json.loads(key.open(_place(dossier_id, person_id), sealed)) if key is not None else {}
        content = {"ref": reference, "on": registered_on.isoformat(), "facts": facts}
        fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        connection.execute(
            _dossiers.update()
            .where(_dossiers.c.id == dossier_id)
            .values(facts=facts, fingerprint=fingerprint)
        )
    with op.batch_alter_table("institution_dossiers") as batch:
        batch.alter_column("facts", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("fingerprint", existing_type=sa.String(length=64), nullable=False)
        batch.drop_column("sealed_facts")


class _DataKeys:
    """The persons' data keys, unwrapped with the key provider the settings name."""

    def __init__(self, connection: sa.Connection) -> None:
        from app.adapters.crypto.factory import build_key_provider
        from app.adapters.crypto.vault import Vault
        from app.settings import Settings

        self._vault = Vault(build_key_provider(Settings()))
        self._connection = connection
        self._keys: dict[uuid.UUID, Any] = {}

    def of(self, person_id: uuid.UUID) -> Any:
        if person_id not in self._keys:
            row = self._connection.execute(
                sa.select(_data_keys.c.id, _data_keys.c.kek_id, _data_keys.c.wrapped).where(
                    _data_keys.c.person_id == person_id
                )
            ).one()
            destroyed = row.wrapped is None  # crypto-shredded: nothing of the person opens again
            self._keys[person_id] = (
                None if destroyed else self._vault.data_key(person_id, row.id, row.kek_id, row.wrapped)
            )
        return self._keys[person_id]


def _place(dossier_id: uuid.UUID, person_id: uuid.UUID) -> Any:
    from app.adapters.crypto.envelope import Place

    return Place("institution_dossiers", "sealed_facts", dossier_id, person_id)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
