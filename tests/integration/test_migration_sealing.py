"""Migration 0005 seals the plaintext rows of an existing database, and the downgrade opens them again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, insert, select, update

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db import migrations
from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.mapping import dump_item
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.ahvn13 import Ahvn13
from app.domain.cases import JournalEntry
from app.domain.categories import DataCategory
from tests.api_helpers import new_ahvn13
from tests.databases import DatabaseFactory

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

# The tables as revision 0002 had them (the models describe the head, so they cannot be used here).
_institutions = sa.table(
    "institutions",
    *(
        sa.column(n, t)
        for n, t in [
            ("id", sa.Uuid()),
            ("kind", sa.String()),
            ("code", sa.String()),
            ("name", sa.String()),
            ("active", sa.Boolean()),
        ]
    ),
)
_persons = sa.table(
    "persons",
    *(
        sa.column(n, t)
        for n, t in [
            ("id", sa.Uuid()),
            ("ahvn13", sa.String()),
            ("registered_by_institution_id", sa.Uuid()),
            ("data", sa.JSON()),
            ("created_at", sa.DateTime(timezone=True)),
            ("updated_at", sa.DateTime(timezone=True)),
            ("version", sa.Integer()),
        ]
    ),
)
_cases = sa.table(
    "cases",
    *(
        sa.column(n, t)
        for n, t in [
            ("id", sa.Uuid()),
            ("person_id", sa.Uuid()),
            ("phase", sa.String()),
            ("lead_institution_id", sa.Uuid()),
            ("opened_on", sa.Date()),
            ("reassessment_interval_months", sa.Integer()),
            ("created_at", sa.DateTime(timezone=True)),
            ("updated_at", sa.DateTime(timezone=True)),
            ("version", sa.Integer()),
        ]
    ),
)
_items = sa.table(
    "case_items",
    *(
        sa.column(n, t)
        for n, t in [
            ("id", sa.Uuid()),
            ("case_id", sa.Uuid()),
            ("kind", sa.String()),
            ("category", sa.String()),
            ("owner_institution_id", sa.Uuid()),
            ("position", sa.Integer()),
            ("content", sa.JSON()),
        ]
    ),
)


@pytest.fixture
def keyring_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "test")
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(path))
    return path


@pytest.fixture
def at_0002(databases: DatabaseFactory) -> Iterator[tuple[str, Engine]]:
    url = databases.empty()
    migrations.upgrade(url, "0002")
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def _plaintext_rows(engine: Engine) -> dict[str, object]:
    """One institution, person, case and journal entry as the schema before 0005 stored them."""
    institution_id, person_id, case_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ahvn13 = Ahvn13.parse(new_ahvn13())
    entry = JournalEntry(
        date(2026, 1, 4),
        institution_id,
        DataCategory.SOZIALHILFE,
        "Budget",
        "Miete übernommen",
        uuid.uuid4(),
        NOW,
    )
    kind, content = dump_item(entry)
    with engine.begin() as connection:
        connection.execute(
            insert(_institutions).values(
                id=institution_id, kind="sozialdienst", code="SD-X", name="Sozialregion X", active=True
            )
        )
        connection.execute(
            insert(_persons).values(
                id=person_id,
                ahvn13=ahvn13.digits,
                registered_by_institution_id=institution_id,
                data={
                    "family_name": "Zürcher",
                    "given_name": "Anna",
                    "birth_date": "1980-02-03",
                    "address": None,
                    "phone": None,
                    "email": None,
                },
                created_at=NOW,
                updated_at=NOW,
                version=1,
            )
        )
        connection.execute(
            insert(_cases).values(
                id=case_id,
                person_id=person_id,
                phase="intake",
                lead_institution_id=institution_id,
                opened_on=date(2026, 1, 4),
                reassessment_interval_months=6,
                created_at=NOW,
                updated_at=NOW,
                version=1,
            )
        )
        connection.execute(
            insert(_items).values(
                id=entry.id,
                case_id=case_id,
                kind=kind,
                category="sozialhilfe",
                owner_institution_id=institution_id,
                position=0,
                content=content,
            )
        )
    return {"person_id": person_id, "case_id": case_id, "ahvn13": ahvn13, "content": content}


def test_upgrade_seals_existing_rows_and_downgrade_restores_them(
    at_0002: tuple[str, Engine], keyring_path: Path
) -> None:
    url, engine = at_0002
    rows = _plaintext_rows(engine)

    migrations.upgrade(url)

    vault = Vault(LocalKeyring.open(keyring_path, create=False))
    with SqlUnitOfWork(make_session_factory(engine), vault=vault) as uow:
        person = uow.persons.by_ahvn13(rows["ahvn13"])  # type: ignore[arg-type]
        case = uow.cases.get(rows["case_id"])  # type: ignore[arg-type]
        found = uow.persons.by_name_and_birth_date("ZÜRCHER", "anna", date(1980, 2, 3))
    assert person is not None and person.family_name == "Zürcher"
    assert case is not None and [e.text for e in case.journal] == ["Miete übernommen"]
    assert [p.id for p in found] == [rows["person_id"]]

    migrations.downgrade(url, "0002")

    with engine.connect() as connection:
        persons = connection.execute(select(_persons)).mappings().one()
        item = connection.execute(select(_items)).mappings().one()
    assert persons["ahvn13"] == rows["ahvn13"].digits  # type: ignore[attr-defined]
    assert persons["data"]["family_name"] == "Zürcher"
    assert item["content"] == rows["content"]


def test_downgrade_refuses_when_a_data_key_was_destroyed(
    at_0002: tuple[str, Engine], keyring_path: Path
) -> None:
    url, engine = at_0002
    _plaintext_rows(engine)
    migrations.upgrade(url)
    with engine.begin() as connection:
        connection.execute(update(DataKeyRow).values(wrapped=None, destroyed_at=NOW))
    with pytest.raises(RuntimeError, match="endgültig gelöscht"):
        migrations.downgrade(url, "0002")
