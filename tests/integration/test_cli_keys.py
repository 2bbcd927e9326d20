"""`cockpit keys ...` against a real database and a keyring file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import AuditEventRow
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


def _retirements(engine: Engine) -> list[tuple[str, str, str]]:
    """The audit events of `keys retire-kek`: (action, outcome, reason), oldest first."""
    query = (
        select(AuditEventRow.action, AuditEventRow.outcome, AuditEventRow.reason)
        .where(AuditEventRow.operation == "keys.retire_kek")
        .order_by(AuditEventRow.seq)
    )
    with make_session_factory(engine)() as session:
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


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


def test_rotate_kek_reseals_totp_and_webhook_secrets_and_retire_kek_then_removes_the_old_one(
    settings: Settings,
) -> None:
    from datetime import UTC, datetime

    from app.adapters.events.subscriptions import add_subscription
    from app.services.identity.login import enable_totp

    container = build_container(settings)
    world = build_world(container.uow_factory)
    with container.uow_factory() as uow:
        uow.persons.add(
            Person(Ahvn13.parse(new_ahvn13()), "Rossi", "Giulia", date(1966, 1, 28), world.sozialdienst.id)
        )
    secret = enable_totp(container.uow_factory(), "sd")  # type: ignore[arg-type]
    assert container.vault is not None
    old = container.vault.provider.current_kek_id()
    hook = add_subscription(
        make_session_factory(container.engine),
        container.vault.provider,
        "T-RAV",
        "https://rav.example/h",
        datetime.now(UTC),
    )
    assert hook is not None

    too_soon = CliRunner().invoke(cli, ["keys", "retire-kek", old])
    assert too_soon.exit_code == 2  # the current KEK
    rotated = CliRunner().invoke(cli, ["keys", "rotate-kek"])
    assert rotated.exit_code == 0, rotated.output
    assert int(rotated.output.splitlines()[-1].split()[0]) >= 3  # data key, TOTP seed, webhook secret, …
    retired = CliRunner().invoke(cli, ["keys", "retire-kek", old])
    assert retired.exit_code == 0, retired.output
    keyring = json.loads(Path(str(settings.keyring_path)).read_text(encoding="utf-8"))
    assert old not in keyring["keks"]
    assert _retirements(container.engine) == [
        ("destroy", "refused", f"KEK {old} nicht entfernt: der aktuelle KEK."),
        ("destroy", "allowed", f"KEK {old} entfernt."),
    ]

    restarted = build_container(settings)  # only the new KEK: every secret still opens
    with restarted.uow_factory() as uow:
        user = uow.users.by_username("sd")
        assert user is not None
        credentials = uow.identity.credentials(user.id)  # type: ignore[attr-defined]
    assert credentials is not None and credentials.totp_secret == secret
    container.engine.dispose()
    restarted.engine.dispose()


def test_retire_kek_refuses_while_something_is_wrapped_under_it(settings: Settings) -> None:
    container = build_container(settings)
    world = build_world(container.uow_factory)
    assert container.vault is not None
    with container.uow_factory() as uow:
        uow.persons.add(
            Person(Ahvn13.parse(new_ahvn13()), "Rossi", "Giulia", date(1966, 1, 28), world.sozialdienst.id)
        )
    old = container.vault.provider.current_kek_id()
    container.vault.provider.create_kek()  # a new KEK, but nothing re-wrapped yet
    refused = CliRunner().invoke(cli, ["keys", "retire-kek", old])
    assert refused.exit_code == 1 and "noch" in refused.output
    [(action, outcome, reason)] = _retirements(container.engine)
    assert (action, outcome) == ("destroy", "refused")
    assert reason.startswith(f"KEK {old} nicht entfernt: noch ") and reason.endswith("darunter verpackt.")
    container.engine.dispose()
