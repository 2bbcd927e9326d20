"""Operator CLI of the identity part: clients, signing keys, passwords, dev tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from joserfc.jwk import ECKey
from typer.testing import CliRunner

from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.entrypoints.cli.main import app as cli
from tests.world import World


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: World) -> Path:
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COCKPIT_AUTH_SIGNING_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "test")
    return tmp_path


def _run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_clients_create_list_disable(cli_env: Path, database_url: str, vault: Vault) -> None:
    code, output = _run("clients", "create", "sd-wasseramt-fallsystem", "--institution", "T-SD-WA")
    assert code == 0, output
    secret = output.split("client_secret: ")[1].split()[0]
    assert len(secret) >= 40
    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(make_session_factory(engine), vault=vault) as uow:
            stored = uow.identity.client("sd-wasseramt-fallsystem")
    finally:
        engine.dispose()
    assert stored is not None and stored.secret_hash is not None and secret not in stored.secret_hash

    key = ECKey.generate_key("P-256", private=True)
    key_file = cli_env / "rav.pem"
    key_file.write_bytes(key.as_pem(private=False))
    code, output = _run(
        "clients",
        "create",
        "rav-avam",
        "--institution",
        "T-RAV",
        "--method",
        "private_key_jwt",
        "--public-key",
        str(key_file),
    )
    assert code == 0, output
    assert "client_secret" not in output

    code, output = _run("clients", "list")
    assert code == 0
    assert "rav-avam\tT-RAV\tprivate_key_jwt\taktiv" in output
    assert "sd-wasseramt-fallsystem\tT-SD-WA\tclient_secret_basic\taktiv" in output
    assert secret not in output

    assert _run("clients", "disable", "rav-avam")[0] == 0
    assert "rav-avam\tT-RAV\tprivate_key_jwt\tgesperrt seit" in _run("clients", "list")[1]
    assert _run("clients", "disable", "gibt-es-nicht") == (1, "Unbekannte Client-ID.\n")
    duplicate = _run("clients", "create", "rav-avam", "--institution", "T-RAV")
    assert duplicate[0] == 1 and "bereits vergeben" in duplicate[1]
    assert _run("clients", "create", "x1", "--institution", "T-RAV", "--method", "private_key_jwt")[0] == 2


def test_private_key_can_be_registered_as_a_jwks_file(cli_env: Path) -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "iv-2026"}, private=True)
    key_file = cli_env / "iv.jwks.json"
    key_file.write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    code, output = _run(
        "clients",
        "create",
        "iv-dossier",
        "--institution",
        "T-IV",
        "--method",
        "private_key_jwt",
        "--public-key",
        str(key_file),
    )
    assert code == 0, output


def test_signing_keys_rotate_list_retire(cli_env: Path) -> None:
    first = _run("auth", "rotate-signing-key")[1].split(": ")[1].strip()
    second = _run("auth", "rotate-signing-key")[1].split(": ")[1].strip()
    listing = _run("auth", "list-signing-keys")[1]
    assert f"{second}  (aktiv)" in listing and first in listing
    assert _run("auth", "retire-signing-key", second)[0] == 1  # not the active one
    assert _run("auth", "retire-signing-key", first)[0] == 0
    assert first not in _run("auth", "list-signing-keys")[1]


def test_dev_token_only_in_dev(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _run("dev", "token", "sd")
    assert code == 2
    assert "nur im Modus dev" in output
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "dev")
    code, output = _run("dev", "token", "sd")
    assert code == 0, output
    assert output.count(".") == 2
    assert _run("dev", "token", "niemand")[0] == 1


def test_users_set_password_and_enable_totp(cli_env: Path) -> None:
    code, output = _run("users", "set-password", "sd", input="ein-langes-passwort\nein-langes-passwort\n")
    assert code == 0, output
    short = _run("users", "set-password", "sd", input="kurz\nkurz\n")
    assert short[0] == 1 and "mindestens 10 Zeichen" in short[1]
    code, output = _run("users", "enable-totp", "sd")
    assert code == 0 and "otpauth://totp/" in output
