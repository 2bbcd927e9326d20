"""`cockpit keys ...` against a real database and a keyring file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.engine import make_session_factory
from app.bootstrap import build_container
from app.domain.ahvn13 import Ahvn13
from app.domain.persons import Person
from app.entrypoints.cli.main import app as cli
from app.settings import Settings
from tests.api_helpers import new_ahvn13
from tests.world import build_world


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "test")
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(tmp_path / "keyring.json"))
    return Settings()


def test_rotate_kek_and_rotate_index_from_the_command_line(settings: Settings) -> None:
    container = build_container(settings)
    world = build_world(container.uow_factory)
    person = Person(Ahvn13.parse(new_ahvn13()), "Rossi", "Giulia", date(1966, 1, 28), world.sozialdienst.id)
    with container.uow_factory() as uow:
        uow.persons.add(person)

    rotated = CliRunner().invoke(cli, ["keys", "rotate-kek", "--batch-size", "1"])
    assert rotated.exit_code == 0, rotated.output
    assert "Neuer KEK: kek-" in rotated.output
    keyring = json.loads(Path(str(settings.keyring_path)).read_text(encoding="utf-8"))
    assert len(keyring["keks"]) == 2
    with make_session_factory(container.engine)() as session:
        assert set(session.scalars(select(DataKeyRow.kek_id))) == {keyring["current"]}

    resumed = CliRunner().invoke(cli, ["keys", "rotate-kek", "--resume"])
    assert resumed.output.strip().endswith("0 Schlüssel unter " + keyring["current"] + " verpackt.")

    reindexed = CliRunner().invoke(cli, ["keys", "rotate-index"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "1 Personen neu indiziert (Schlüsselversion 2)" in reindexed.output

    restarted = build_container(settings)
    with restarted.uow_factory() as uow:
        found = uow.persons.by_ahvn13(person.ahvn13)
    assert found is not None and found.given_name == "Giulia"
    container.engine.dispose()
    restarted.engine.dispose()
