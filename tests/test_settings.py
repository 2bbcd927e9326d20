"""The service refuses to run in production without real authentication."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from app.entrypoints.cli.main import app as cli
from app.settings import Settings


def test_production_with_dev_principal_is_refused() -> None:
    with pytest.raises(ValidationError, match="Entwicklungs-Principal"):
        Settings(environment="production", dev_principal_enabled=True)


def test_no_environment_means_production_and_a_refusal_that_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COCKPIT_ENVIRONMENT")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    message = str(refused.value)
    for missing in (
        "COCKPIT_ENVIRONMENT",
        "COCKPIT_AUTH_SIGNING_KEY_DIR",
        "COCKPIT_AUTH_ISSUER",
        "COCKPIT_KEYRING_PATH",
        "COCKPIT_AUDIT_SIGNING_KEY_FILE",
    ):
        assert missing in message


def test_dev_and_test_take_the_dev_header_production_never() -> None:
    assert Settings(environment="dev").dev_principal_active
    assert Settings(environment="test").dev_principal_active
    assert not Settings(environment="dev", dev_principal_enabled=False).dev_principal_active


def test_production_without_any_authentication_is_refused() -> None:
    with pytest.raises(ValidationError, match="Authentifizierung"):
        Settings(environment="production", dev_principal_enabled=False)


def test_cli_refuses_to_serve_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COCKPIT_ENVIRONMENT")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "Konfiguration ungültig" in result.output
    assert "COCKPIT_ENVIRONMENT ist nicht gesetzt" in result.output
    assert "validation error" not in result.output  # German reasons, not pydantic's report
