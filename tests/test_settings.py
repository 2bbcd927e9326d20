"""The service refuses to run in production without real authentication."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from app.entrypoints.cli.main import app as cli
from app.settings import Settings


def test_production_with_dev_principal_is_refused() -> None:
    with pytest.raises(ValidationError, match="Entwicklungs-Principal"):
        Settings(environment="production")


def test_production_without_any_authentication_is_refused() -> None:
    with pytest.raises(ValidationError, match="Authentifizierung"):
        Settings(environment="production", dev_principal_enabled=False)


def test_cli_refuses_to_serve_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "production")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "Konfiguration ungültig" in result.output
