"""`cockpit consent list|history|revoke` against a real database with the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.bootstrap import build_container
from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.entrypoints.cli.main import app as cli
from app.settings import Settings
from tests.audit_log import last_audit_event

pytestmark = pytest.mark.integration
BRUNNER = "756999900101"


def test_list_and_revoke_from_the_command_line(
    database_url: str, engine: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    # The commands open the data with the operator's keyring, as on a server.
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(tmp_path / "keyring.json"))
    seeded = CliRunner().invoke(cli, ["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    container = build_container(Settings())
    try:
        with container.uow_factory() as uow:
            person = uow.persons.by_ahvn13(Ahvn13(BRUNNER + str(ean13_check_digit(BRUNNER))))
            assert person is not None
            case_id = str(uow.cases.open_case_of_person(person.id))
            consent_id = str(uow.consents.for_case(uow.cases.open_case_of_person(person.id))[0].id)  # type: ignore[arg-type]
    finally:
        container.engine.dispose()
    runner = CliRunner()

    listed = runner.invoke(cli, ["consent", "list", "--case", case_id, "--user", "demo-sd"])
    assert listed.exit_code == 0, listed.output
    assert consent_id in listed.output and "gültig" in listed.output

    hidden = runner.invoke(cli, ["consent", "list", "--case", case_id, "--user", "sd-olten"])
    assert hidden.exit_code == 1
    assert "nicht gefunden" in hidden.output

    revoked = runner.invoke(
        cli,
        [
            "consent",
            "revoke",
            consent_id,
            "--case",
            case_id,
            "--user",
            "demo-sd",
            "--reason",
            "Brief vom Klienten",
        ],
    )
    assert revoked.exit_code == 0, revoked.output
    assert last_audit_event(engine).action == "consent_revoke"  # type: ignore[arg-type]
    history = runner.invoke(cli, ["consent", "history", consent_id, "--case", case_id, "--user", "demo-sd"])
    assert "revoked" in history.output and "Brief vom Klienten" in history.output
