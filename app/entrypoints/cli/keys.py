"""Operator commands for keys and retention: `cockpit keys ...`, `cockpit retention ...`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from app.entrypoints.cli.wiring import wired

if TYPE_CHECKING:
    from app.bootstrap import Container, Vault

keys_app = typer.Typer(help="Schlüsselverwaltung (Feldverschlüsselung)", no_args_is_help=True)
retention_app = typer.Typer(help="Aufbewahrung und Crypto-Shredding", no_args_is_help=True)


def _vault(container: Container) -> Vault:
    assert container.vault is not None, "build_container always sets the vault"
    return container.vault


@keys_app.command("rotate-kek")
def rotate_kek(
    resume: bool = typer.Option(False, help="Unterbrochenen Lauf fortsetzen (kein neuer KEK)"),
    batch_size: int = typer.Option(200, min=1, help="Datenschlüssel pro Transaktion"),
) -> None:
    """Neuen KEK anlegen und alle Datenschlüssel online neu verpacken (in Stapeln, fortsetzbar)."""
    from app.bootstrap.operator import kek_rotation_pending, rewrap_all

    with wired() as container:
        session_factory, vault = container.session_factory, _vault(container)
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
    from app.bootstrap import key_provider_error
    from app.bootstrap.operator import wrapped_under
    from app.services import key_administration

    with wired() as container:
        session_factory, vault = container.session_factory, _vault(container)
        now = container.clock.now()
        if kek_id == vault.provider.current_kek_id():
            key_administration.kek_retirement_refused(
                container.uow_factory(), kek_id, "der aktuelle KEK.", now
            )
            typer.echo(
                "Der aktuelle KEK kann nicht entfernt werden; zuerst `cockpit keys rotate-kek`.", err=True
            )
            raise typer.Exit(2)
        remaining = wrapped_under(session_factory, kek_id)
        if remaining:
            key_administration.kek_retirement_refused(
                container.uow_factory(), kek_id, f"noch {remaining} Schlüssel darunter verpackt.", now
            )
            typer.echo(
                f"Unter {kek_id} sind noch {remaining} Schlüssel verpackt; zuerst "
                "`cockpit keys rotate-kek --resume` laufen lassen.",
                err=True,
            )
            raise typer.Exit(1)
        try:
            key_administration.retire_kek(
                container.uow_factory(), kek_id, now, lambda: vault.provider.destroy_kek(kek_id)
            )
        except key_provider_error as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
        vault.forget()
    typer.echo(f"KEK {kek_id} entfernt.")


@keys_app.command("rotate-index")
def rotate_index(batch_size: int = typer.Option(200, min=1, help="Personen pro Transaktion")) -> None:
    """Neue Schlüssel für die Blindindizes anlegen und alle Indizes online neu berechnen (fortsetzbar)."""
    from app.bootstrap.operator import index_rotation_pending, rebuild_indexes, start_index_rotation

    with wired() as container:
        session_factory, vault = container.session_factory, _vault(container)
        version = start_index_rotation(session_factory, vault)
        total = index_rotation_pending(session_factory, version)
        with typer.progressbar(length=total, label=f"Blindindizes v{version}") as bar:
            report = rebuild_indexes(session_factory, vault, version, batch_size, progress=bar.update)
    typer.echo(f"{report.done} Personen neu indiziert (Schlüsselversion {version}).")


@keys_app.command("receipt-public-key")
def receipt_public_key() -> None:
    """Den öffentlichen Ed25519-Schlüssel ausgeben, mit dem Löschquittungen geprüft werden."""
    with wired() as container, container.uow_factory() as uow:
        typer.echo(uow.retention.receipt_public_key())


@retention_app.command("run")
def retention_run(
    today: str = typer.Option("", help="Stichtag JJJJ-MM-TT (Vorgabe: heute)"),
    dry_run: bool = typer.Option(False, help="Nur anzeigen, wie viele Personen betroffen wären"),
) -> None:
    """Datenschlüssel von Personen nach Ablauf der Aufbewahrungsfrist vernichten; Quittungen schreiben."""
    from app.domain.retention import RetentionPolicy
    from app.services.retention import persons_past_retention, run_retention

    now = datetime.now(UTC)
    day = date.fromisoformat(today) if today else now.date()
    with wired() as container:
        settings = container.settings
        policy = RetentionPolicy.from_settings(
            settings.retention_years,
            settings.retention_abandoned_intake_days,
            settings.retention_unlinked_person_days,
        )
        factory = container.uow_factory  # with the outbox recorder, like every entry point's
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
