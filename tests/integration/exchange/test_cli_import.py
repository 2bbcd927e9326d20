"""`cockpit import`: dry run, import, re-import, per-record errors and exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.entrypoints.cli.main import app as cli
from app.services.ports import UnitOfWork
from tests.integration.exchange.helpers import FIXTURES, add_systems

SAMPLE = str(FIXTURES / "sozialdienst_windows1252.csv")


@pytest.fixture(autouse=True)
def _database(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    # one keyring for every CLI run of a test (in the test environment each run would get its own)
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(tmp_path / "keyring.json"))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["import", *args])
    return result.exit_code, result.output


def test_dry_run_then_import_then_unchanged(uow_factory: Callable[[], UnitOfWork]) -> None:
    add_systems(uow_factory)

    assert _run("sozialdienst", SAMPLE, "--stelle", "SD-WASSERAMT", "--dry-run") == (
        0,
        "Import\nProbelauf (nichts gespeichert): 2 neu, 0 geändert, 0 unverändert, 0 Fehler\n",
    )
    assert _run("sozialdienst", SAMPLE, "--stelle", "SD-WASSERAMT")[1].endswith(
        "2 neu, 0 geändert, 0 unverändert, 0 Fehler\n"
    )
    assert _run("sozialdienst", SAMPLE, "--stelle", "SD-WASSERAMT")[1].endswith(
        "0 neu, 0 geändert, 2 unverändert, 0 Fehler\n"
    )


def test_errors_are_listed_per_line_and_exit_with_one(uow_factory: Callable[[], UnitOfWork]) -> None:
    add_systems(uow_factory)

    code, output = _run(
        "sozialdienst", str(FIXTURES / "sozialdienst_invalid.csv"), "--stelle", "SD-WASSERAMT"
    )

    assert code == 1
    assert "Zeile 4: Die Prüfziffer der AHV-Nummer stimmt nicht." in output


def test_wrong_institution_kind_exits_with_two(uow_factory: Callable[[], UnitOfWork]) -> None:
    add_systems(uow_factory)

    code, output = _run("rav", str(FIXTURES / "rav_stellensuchende.xml"), "--stelle", "SD-WASSERAMT")

    assert code == 2
    assert "Dieses Format ist den Stellen der Art «RAV» vorbehalten." in output
