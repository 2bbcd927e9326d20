"""Migration 0019 indexes the family names of existing persons (a search by name alone finds them) under
an index key of the other indexes' version; the downgrade removes the column and the key."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db import migrations
from app.adapters.db.engine import make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from tests.integration.test_migration_sealing import (  # noqa: F401 - fixtures
    _plaintext_rows,
    at_0002,
    keyring_path,
)


def test_upgrade_indexes_existing_family_names_and_downgrade_drops_them(
    at_0002: tuple[str, Engine],  # noqa: F811 - the fixture
    keyring_path: Path,  # noqa: F811 - the fixture
) -> None:
    url, engine = at_0002
    rows = _plaintext_rows(engine)

    migrations.upgrade(url)

    vault = Vault(LocalKeyring.open(keyring_path, create=False))
    with SqlUnitOfWork(make_session_factory(engine), vault=vault) as uow:
        assert uow.persons.ids_by_family_name("zürcher") == {rows["person_id"]}
        assert uow.persons.ids_by_family_name("Zürich") == frozenset()
    with engine.connect() as connection:
        versions = dict(
            connection.execute(
                sa.text("SELECT purpose, version FROM key_secrets WHERE purpose LIKE 'index:%'")
            ).all()
        )
        raw = connection.execute(sa.text("SELECT family_name_index FROM persons")).scalar_one()
    assert versions["index:persons.family_name"] == versions["index:persons.ahvn13"]
    assert b"rcher" not in bytes(raw) and len(bytes(raw)) == 32

    migrations.downgrade(url, "0017")

    with engine.connect() as connection:
        assert "family_name_index" not in {c["name"] for c in sa.inspect(connection).get_columns("persons")}
        left = connection.execute(
            sa.text("SELECT count(*) FROM key_secrets WHERE purpose = 'index:persons.family_name'")
        ).scalar_one()
    assert left == 0
