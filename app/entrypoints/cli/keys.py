"""Operator commands for keys and retention: `cockpit keys ...`, `cockpit retention ...`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer

from app.settings import Settings

keys_app = typer.Typer(help="Schlüsselverwaltung (Feldverschlüsselung)", no_args_is_help=True)
retention_app = typer.Typer(help="Aufbewahrung und Crypto-Shredding", no_args_is_help=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:
        typer.echo(f"Konfiguration ungültig: {error}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def _wiring() -> Iterator[tuple[Any, Any, Settings]]:
    from app.adapters.crypto.factory import build_key_provider
    from app.adapters.crypto.providers import KeyProviderError
    from app.adapters.crypto.vault import Vault
    from app.adapters.db.engine import make_engine, make_session_factory

    settings = _settings()
    try:
        vault = Vault(build_key_provider(settings))
    except KeyProviderError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine), vault, settings
    finally:
        engine.dispose()


@keys_app.command("rotate-kek")
def rotate_kek(
    resume: bool = typer.Option(False, help="Unterbrochenen Lauf fortsetzen (kein neuer KEK)"),
    batch_size: int = typer.Option(200, min=1, help="Datenschlüssel pro Transaktion"),
) -> None:
    """Neuen KEK anlegen und alle Datenschlüssel online neu verpacken (in Stapeln, fortsetzbar)."""
    from app.adapters.db.key_rotation import kek_rotation_pending, rewrap_all

    with _wiring() as (session_factory, vault, _settings):
        if not resume:
            typer.echo(f"Neuer KEK: {vault.provider.create_kek()}")
        target = vault.provider.current_kek_id()
        total = kek_rotation_pending(session_factory, target)
        with typer.progressbar(length=total, label="Neu verpacken") as bar:
            report = rewrap_all(session_factory, vault, batch_size, progress=bar.update)
    typer.echo(f"{report.done} Schlüssel unter {report.target} verpackt.")


@keys_app.command("retire-kek")
def retire_kek(kek_id: str = typer.Argument(..., help="Id des alten KEK, z. B. kek-…")) -> None:
    """Einen alten KEK endgültig entfernen, sobald nichts mehr unter ihm verpackt ist (nach rotate-kek).

    Danach kann auch eine alte Datensicherung keine vernichteten Datenschlüssel mehr öffnen."""
    from app.adapters.crypto.providers import KeyProviderError
    from app.adapters.db.key_rotation import wrapped_under

    with _wiring() as (session_factory, vault, _settings):
        if kek_id == vault.provider.current_kek_id():
            typer.echo(
                "Der aktuelle KEK kann nicht entfernt werden; zuerst `cockpit keys rotate-kek`.", err=True
            )
            raise typer.Exit(2)
        remaining = wrapped_under(session_factory, kek_id)
        if remaining:
            typer.echo(
                f"Unter {kek_id} sind noch {remaining} Schlüssel verpackt; zuerst "
                "`cockpit keys rotate-kek --resume` laufen lassen.",
                err=True,
            )
            raise typer.Exit(1)
        try:
            vault.provider.destroy_kek(kek_id)
        except KeyProviderError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
        vault.forget()
    typer.echo(f"KEK {kek_id} entfernt.")


@keys_app.command("rotate-index")
def rotate_index(batch_size: int = typer.Option(200, min=1, help="Personen pro Transaktion")) -> None:
    """Neue Schlüssel für die Blindindizes anlegen und alle Indizes online neu berechnen (fortsetzbar)."""
    from app.adapters.db.key_rotation import index_rotation_pending, rebuild_indexes, start_index_rotation

    with _wiring() as (session_factory, vault, _settings):
        version = start_index_rotation(session_factory, vault)
        total = index_rotation_pending(session_factory, version)
        with typer.progressbar(length=total, label=f"Blindindizes v{version}") as bar:
            report = rebuild_indexes(session_factory, vault, version, batch_size, progress=bar.update)
    typer.echo(f"{report.done} Personen neu indiziert (Schlüsselversion {version}).")


@keys_app.command("receipt-public-key")
def receipt_public_key() -> None:
    """Den öffentlichen Ed25519-Schlüssel ausgeben, mit dem Löschquittungen geprüft werden."""
    from app.adapters.db.key_store import SqlKeyStore
    from app.adapters.db.retention_store import SqlRetentionStore

    with _wiring() as (session_factory, vault, _settings), session_factory() as session, session.begin():
        typer.echo(SqlRetentionStore(session, SqlKeyStore(session, vault)).receipt_public_key())


@retention_app.command("run")
def retention_run(
    today: str = typer.Option("", help="Stichtag JJJJ-MM-TT (Vorgabe: heute)"),
    dry_run: bool = typer.Option(False, help="Nur anzeigen, wie viele Personen betroffen wären"),
) -> None:
    """Datenschlüssel von Personen nach Ablauf der Aufbewahrungsfrist vernichten; Quittungen schreiben."""
    from app.adapters.db.unit_of_work import SqlUnitOfWork
    from app.domain.retention import RetentionPolicy
    from app.services.retention import persons_past_retention, run_retention

    now = datetime.now(UTC)
    day = date.fromisoformat(today) if today else now.date()
    with _wiring() as (session_factory, vault, settings):
        policy = RetentionPolicy.from_settings(
            settings.retention_years,
            settings.retention_abandoned_intake_days,
            settings.retention_unlinked_person_days,
        )

        def factory() -> SqlUnitOfWork:
            return SqlUnitOfWork(session_factory, vault=vault)

        if dry_run:
            due = persons_past_retention(factory(), policy, day)
            typer.echo(f"{len(due)} Personen haben die Aufbewahrungsfrist überschritten.")
            return
        receipt_dir: Path = settings.receipt_dir
        receipt_dir.mkdir(parents=True, exist_ok=True)

        def write(receipt: Any) -> None:
            document = {
                "body": json.loads(receipt.body),
                "signed_body": receipt.body,
                "signature": receipt.signature,
                "public_key": receipt.public_key,
            }
            (receipt_dir / f"{receipt.id}.json").write_text(json.dumps(document, indent=2), encoding="utf-8")

        report = run_retention(factory, policy, now, day, on_destroyed=write)
    typer.echo(f"{len(report.receipts)} Personen gelöscht (Crypto-Shredding); Quittungen in {receipt_dir}.")
