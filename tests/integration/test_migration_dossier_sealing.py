"""Migration 0014 seals the plaintext facts of existing institution dossiers; the downgrade opens them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine, insert, select

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

_dossiers = sa.table(
    "institution_dossiers",
    *(
        sa.column(n, t)
        for n, t in [
            ("id", sa.Uuid()),
            ("case_id", sa.Uuid()),
            ("institution_id", sa.Uuid()),
            ("kind", sa.String()),
            ("category", sa.String()),
            ("local_reference", sa.String()),
            ("registered_on", sa.Date()),
            ("facts", sa.JSON()),
            ("fingerprint", sa.String()),
            ("updated_at", sa.DateTime(timezone=True)),
            ("version", sa.Integer()),
        ]
    ),
)
FACTS = {"aussteuerung_voraussichtlich": "2026-12-31", "suchstatus": "aktiv_suchend_geheim"}


def test_upgrade_seals_dossier_facts_and_downgrade_restores_them(
    at_0002: tuple[str, Engine],  # noqa: F811 - the fixture
    keyring_path: Path,  # noqa: F811 - the fixture
) -> None:
    url, engine = at_0002
    rows = _plaintext_rows(engine)
    migrations.upgrade(url, "0007")
    with engine.begin() as connection:
        institutions = sa.table("institutions", sa.column("id", sa.Uuid()))
        institution_id = connection.execute(select(institutions.c.id)).scalar_one()
        connection.execute(
            insert(_dossiers).values(
                id=uuid.uuid4(),
                case_id=rows["case_id"],
                institution_id=institution_id,
                kind="rav",
                category="arbeitsmarkt",
                local_reference="SS-1",
                registered_on=date(2026, 1, 4),
                facts=FACTS,
                fingerprint="0" * 64,
                updated_at=datetime.now(UTC),
                version=1,
            )
        )

    migrations.upgrade(url)

    with engine.connect() as connection:
        raw = connection.execute(sa.text("SELECT sealed_facts FROM institution_dossiers")).scalar_one()
    assert b"aktiv_suchend_geheim" not in bytes(raw)
    vault = Vault(LocalKeyring.open(keyring_path, create=False))
    with SqlUnitOfWork(make_session_factory(engine), vault=vault) as uow:
        dossier = uow.dossiers.get(rows["case_id"], institution_id)  # type: ignore[arg-type]
    assert dossier is not None and dossier.facts == FACTS

    migrations.downgrade(url, "0007")

    with engine.connect() as connection:
        restored = connection.execute(select(_dossiers)).mappings().one()
    assert restored["facts"] == FACTS
