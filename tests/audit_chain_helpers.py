"""Shared steps for the audit integrity tests: a log with entries, the CLI, raw tampering."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from app.entrypoints.cli.main import app as cli
from tests.api_helpers import Api


def fill_log(api: Api, cases: int = 3) -> None:
    for _ in range(cases):
        case = api.open_case("sd")
        api.get_case(case["id"])


def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, key_file: Path, *args: str) -> Result:
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COCKPIT_AUDIT_SIGNING_KEY_FILE", str(key_file))
    return CliRunner().invoke(cli, ["audit", *args])


def export_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def entry_line_index(lines: list[str], position: int) -> int:
    for index, line in enumerate(lines):
        document = json.loads(line)
        if document["type"] == "entry" and document["position"] == position:
            return index
    raise AssertionError(position)


@contextmanager
def triggers_disabled(engine: Engine) -> Iterator[None]:
    """What an administrator with full rights could do: switch off the append-only triggers."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text("DROP TRIGGER audit_checkpoints_no_update"))
    yield
