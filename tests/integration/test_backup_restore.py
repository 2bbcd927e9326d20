"""Restore drill: a backup made while the service has data restores onto an empty place and the
restored service verifies its audit log and decrypts; a changed backup or a damaged database is a
verdict (exit code and German text), never a traceback."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from app.adapters.db.engine import make_engine
from app.bootstrap import build_container
from app.domain.ahvn13 import Ahvn13
from app.entrypoints.cli.main import app as cli
from app.services.context import RequestContext
from app.services.persons import PersonData, register_person
from app.settings import Settings
from tests.api_helpers import new_ahvn13
from tests.databases import DatabaseFactory, is_postgres
from tests.world import build_world

pytestmark = pytest.mark.integration


@pytest.fixture
def operator(
    database_url: str, databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> dict[str, Path | str]:
    """The environment of an operator's shell: the service's database, its key files, a passphrase."""
    paths: dict[str, Path | str] = {
        "keyring": tmp_path / "keys" / "keyring.json",
        "audit_key": tmp_path / "keys" / "audit-signing-key.pem",
        "auth_keys": tmp_path / "keys" / "signing-keys",
        "backups": tmp_path / "backups",
        "url": database_url,
    }
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "dev")
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(paths["keyring"]))
    monkeypatch.setenv("COCKPIT_AUDIT_SIGNING_KEY_FILE", str(paths["audit_key"]))
    monkeypatch.setenv("COCKPIT_AUTH_SIGNING_KEY_DIR", str(paths["auth_keys"]))
    monkeypatch.setenv("COCKPIT_BACKUP_PASSPHRASE", "Aare-Weissenstein-2026")
    if is_postgres():
        paths["scratch"] = databases.empty()
    return paths


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _scratch(operator: dict[str, Path | str]) -> list[str]:
    return ["--scratch-url", str(operator["scratch"])] if "scratch" in operator else []


def _persons(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM persons")) or 0)
    finally:
        engine.dispose()


def _register_persons(count: int) -> None:
    """Persons written through the service's own wiring (its keyring file, its database)."""
    container = build_container(Settings())
    try:
        world = build_world(container.uow_factory)
        principal = world.users["sd"].as_principal()
        for _ in range(count):
            ctx = RequestContext(principal, uuid.uuid4().hex, datetime.now(UTC))
            data = PersonData(Ahvn13.parse(new_ahvn13()), "Keller", "Mara", date(1984, 3, 12))
            register_person(container.uow_factory(), ctx, data)
    finally:
        container.engine.dispose()


def test_restore_drill_backup_lose_everything_restore_verify(operator: dict[str, Path | str]) -> None:
    _register_persons(6)
    persons = _persons(str(operator["url"]))
    created, output = _cli("backup", "create", "--target", str(operator["backups"]))
    assert created == 0, output
    folder = next(Path(operator["backups"]).iterdir())

    verified, report = _cli("backup", "verify", str(folder), *_scratch(operator))
    assert verified == 0, report
    assert "Entschlüsselungsprobe: 5 von 5 Personen lesbar." in report
    changed = Path(operator["backups"]) / "changed"
    shutil.copytree(folder, changed)
    database = next(p for p in changed.iterdir() if p.name.startswith("database."))
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    refused, report = _cli("backup", "verify", str(changed), *_scratch(operator))
    assert refused == 1
    assert "SHA-256 passt nicht" in report

    # The operator keeps the public key apart from the backup (as witnesses do).
    public_key = Path(operator["backups"]) / "cockpit.pem"
    public_key.write_text(_cli("audit", "public-key")[1])
    # The disaster: keys gone, the database emptied.
    Path(operator["keyring"]).unlink()
    Path(operator["audit_key"]).unlink()
    engine = make_engine(str(operator["url"]))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    engine.dispose()

    restored, output = _cli(
        "backup", "restore", str(folder), "--public-key", str(public_key), *_scratch(operator)
    )
    assert restored == 0, output
    assert _persons(str(operator["url"])) == persons
    audit_ok, output = _cli("audit", "verify")
    assert audit_ok == 0, output


@pytest.mark.skipif(is_postgres(), reason="a damaged database file: SQLite")
def test_audit_verify_on_a_damaged_database_gives_a_verdict(
    operator: dict[str, Path | str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _cli("audit", "checkpoint")  # the operator's key exists (the log may still be empty)
    source = Path(str(operator["url"]).removeprefix("sqlite:///"))
    damaged = tmp_path / "damaged.db"
    data = bytearray(source.read_bytes())
    for offset in range(len(data) // 3, len(data) * 2 // 3, 512):
        data[offset : offset + 16] = b"\xde\xad\xbe\xef" * 4
    damaged.write_bytes(bytes(data))
    monkeypatch.setenv("COCKPIT_DATABASE_URL", f"sqlite:///{damaged}")

    code, output = _cli("audit", "verify")

    assert code == 1, output
    assert "NICHT" in output
