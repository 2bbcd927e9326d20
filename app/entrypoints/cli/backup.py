"""`cockpit backup create|verify|restore`: the database with the keys that open it (docs/operations.md)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from app.entrypoints.cli.audit import _ledger, _trusted_keys
from app.entrypoints.cli.wiring import load_settings
from app.settings import DEFAULT_KEYRING, Environment, Settings

backup_app = typer.Typer(help="Sicherung: erstellen, prüfen, zurückspielen", no_args_is_help=True)

PASSPHRASE_ENV = "COCKPIT_BACKUP_PASSPHRASE"  # noqa: S105 - the name of a variable


def _passphrase(required: bool) -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    if required and not value:
        typer.echo(f"{PASSPHRASE_ENV} fehlt: die Schlüssel der Sicherung werden damit versiegelt.", err=True)
        raise typer.Exit(2)
    return value


def _keyring_path(settings: Settings) -> Path | None:
    if settings.keyring_path is not None:
        return settings.keyring_path
    return DEFAULT_KEYRING if settings.environment is Environment.DEV else None


@backup_app.command("create")
def create(
    target: Path = typer.Option(
        Path("var/backups"), "--target", help="Ordner, in dem die Sicherung entsteht"
    ),
) -> None:
    """Datenbank (online), Schlüsselbund und Signaturschlüssel (versiegelt) und ein signiertes Manifest."""
    from app.bootstrap.operator import BackupError, create_backup, gather_secrets

    settings = load_settings()
    passphrase = _passphrase(required=True)
    assert passphrase is not None
    ledger = _ledger(settings)
    try:
        secrets = gather_secrets(
            _keyring_path(settings), settings.audit_signing_key_file, settings.signing_key_dir
        )
        folder = create_backup(settings.database_url, ledger, secrets, passphrase, target)
    except (BackupError, OSError) as error:
        typer.echo(f"Sicherung fehlgeschlagen: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.engine.dispose()
    typer.echo(f"Sicherung erstellt: {folder}")


@backup_app.command("verify")
def verify(
    folder: Path = typer.Argument(..., help="Ordner der Sicherung"),
    public_key: list[Path] = typer.Option([], "--public-key", help="vertrauenswürdiger Schlüssel (PEM)"),
    scratch_url: str | None = typer.Option(
        None, "--scratch-url", help="leere PostgreSQL-Datenbank zum Prüfen"
    ),
) -> None:
    """Signatur, Prüfsummen, Audit-Kette gegen den Checkpoint, Entschlüsselungsprobe; Exit 1 bei Befund."""
    from app.bootstrap.operator import BackupError, verify_backup

    settings = load_settings()
    try:
        report = verify_backup(folder, _trusted_keys(settings, public_key), _passphrase(False), scratch_url)
    except BackupError as error:
        typer.echo(f"Sicherung NICHT in Ordnung: {error}", err=True)
        raise typer.Exit(1) from None
    for note in report.notes:
        typer.echo(note)
    if not report.ok:
        typer.echo(f"Sicherung NICHT in Ordnung – {len(report.findings)} Befund(e):", err=True)
        for finding in report.findings:
            typer.echo(f"  - {finding}", err=True)
        raise typer.Exit(1)
    typer.echo(f"Sicherung in Ordnung: {folder}")


@backup_app.command("restore")
def restore(
    folder: Path = typer.Argument(..., help="Ordner der Sicherung"),
    public_key: list[Path] = typer.Option([], "--public-key", help="vertrauenswürdiger Schlüssel (PEM)"),
    force: bool = typer.Option(False, "--force", help="vorhandene Datenbank und Schlüssel ersetzen"),
    scratch_url: str | None = typer.Option(
        None, "--scratch-url", help="leere PostgreSQL-Datenbank zum Prüfen"
    ),
) -> None:
    """Prüfen, dann Datenbank und Schlüssel zurückspielen (Dienst und Worker vorher anhalten)."""
    from app.bootstrap.operator import (
        SECRETS,
        BackupError,
        open_secrets,
        read_manifest,
        restore_database,
        restore_secrets,
        verify_backup,
    )

    settings = load_settings()
    passphrase = _passphrase(required=True)
    assert passphrase is not None
    keys = _trusted_keys(settings, public_key)
    keyring = _keyring_path(settings)
    existing = [p for p in (keyring, settings.audit_signing_key_file) if p is not None and p.exists()]
    if existing and not force:
        typer.echo("Schlüssel sind schon vorhanden; mit --force werden sie ersetzt.", err=True)
        raise typer.Exit(2)
    try:
        report = verify_backup(folder, keys, passphrase, scratch_url)
        if not report.ok:
            raise BackupError("; ".join(report.findings))
        manifest = read_manifest(folder, keys)
        secrets = open_secrets((folder / SECRETS).read_bytes(), passphrase)
        restore_database(folder, manifest, settings.database_url)
        written = restore_secrets(secrets, keyring, settings.audit_signing_key_file, settings.signing_key_dir)
    except (BackupError, OSError) as error:
        typer.echo(f"Zurückspielen abgebrochen: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Zurückgespielt: Datenbank und {len(written)} Schlüsseldateien aus {folder}.")
    typer.echo("Danach: cockpit db upgrade, cockpit audit verify, Dienst und Worker starten.")
