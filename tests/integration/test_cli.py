"""Operator CLI against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from app.adapters.db.engine import make_engine
from app.entrypoints.cli.main import app as cli
from tests.databases import DatabaseFactory


def test_db_upgrade_and_downgrade(databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    url = databases.empty()
    monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
    runner = CliRunner()
    up = runner.invoke(cli, ["db", "upgrade"])
    assert up.exit_code == 0, up.output
    engine = make_engine(url)
    try:
        assert "cases" in inspect(engine).get_table_names()
        down = runner.invoke(cli, ["db", "downgrade", "base"])
        assert down.exit_code == 0, down.output
        assert "cases" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_openapi_export_writes_the_file(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "openapi.json"
    result = CliRunner().invoke(cli, ["openapi", "export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert '"/api/v1/cases"' in target.read_text(encoding="utf-8")
