"""`cockpit audit …`: verify, export, checkpoint, seal, prune, public key, database privileges."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from app.domain.audit_chain.checkpoint import Checkpoint
from app.entrypoints.cli.wiring import load_settings
from app.settings import Settings

audit_app = typer.Typer(
    help="Audit-Protokoll: prüfen, exportieren, Checkpoints, Bereinigung", no_args_is_help=True
)


def _ledger(settings: Settings):  # type: ignore[no-untyped-def]
    from app.bootstrap.operator import MissingSigningKey, audit_ledger_of

    try:
        return audit_ledger_of(settings)[0]
    except MissingSigningKey as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _trusted_keys(settings: Settings, public_keys: list[Path]) -> dict[str, bytes]:
    from app.bootstrap.operator import load_public_key
    from app.domain.audit_chain.checkpoint import key_id

    paths = public_keys or (
        [settings.audit_signing_key_file] if settings.audit_signing_key_file.exists() else []
    )
    if not paths:
        typer.echo("Kein vertrauenswürdiger Schlüssel: --public-key angeben.", err=True)
        raise typer.Exit(2)
    keys = [load_public_key(path) for path in paths]
    return {key_id(key): key for key in keys}


def _witnessed(paths: list[Path]) -> list[Checkpoint]:
    found = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                document = json.loads(line)
                if document.get("type", "checkpoint") == "checkpoint":
                    found.append(Checkpoint.from_document(document))
    return found


@audit_app.command("verify")
def verify(
    file: Path | None = typer.Option(None, "--file", help="Exportdatei statt der Datenbank prüfen"),
    public_key: list[Path] = typer.Option(
        [], "--public-key", help="vertrauenswürdiger öffentlicher Schlüssel (PEM)"
    ),
    witness: list[Path] = typer.Option([], "--witness", help="aufbewahrte Checkpoints (JSON-Zeilen)"),
) -> None:
    """Hash-Kette, Merkle-Wurzeln und signierte Checkpoints prüfen; Exit-Code 1 bei jedem Bruch."""
    from app.domain.audit_chain.verification import verify_log

    settings = load_settings()
    keys = _trusted_keys(settings, public_key)
    witnessed = _witnessed(witness)
    if file is not None:
        from app.bootstrap.operator import read_export

        contents = read_export(file)
        report = verify_log(contents.entries, contents.checkpoints, keys, witnessed)
        report.findings[:0] = contents.findings
        source = str(file)
    else:
        from app.services.audit_integrity import verify_database

        ledger = _ledger(settings)
        ledger.seal()  # the CLI seals what is queued, so the verification covers every committed event
        report = verify_database(ledger, keys, witnessed)
        ledger.engine.dispose()
        source = "Datenbank"
    if report.findings:
        typer.echo(
            f"Audit-Protokoll ({source}) NICHT unversehrt – {len(report.findings)} Befund(e):", err=True
        )
        for finding in report.findings:
            typer.echo(f"  - {finding}", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"Audit-Protokoll ({source}) unversehrt: {report.entries} Einträge, "
        f"{report.checkpoints} Checkpoints, "
        f"durch signierte Checkpoints gedeckt bis Eintrag Nr. {report.covered_through - 1}."
        if report.covered_through
        else f"Audit-Protokoll ({source}) unversehrt: {report.entries} Einträge, noch kein Checkpoint."
    )


@audit_app.command("export")
def export(output: Path = typer.Option(..., "--output", "-o", help="Zieldatei (JSON-Zeilen)")) -> None:
    """Versiegeln, Checkpoint signieren und das Protokoll samt Checkpoints exportieren."""
    from app.bootstrap.operator import write_export

    ledger = _ledger(load_settings())
    ledger.checkpoint()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as target:
        count = write_export(target, ledger.entries(), ledger.checkpoints(), ledger.signer.public_key_pem())
    ledger.engine.dispose()
    typer.echo(f"{count} Einträge exportiert nach {output}.")


@audit_app.command("checkpoint")
def checkpoint() -> None:
    """Alles Vorgemerkte versiegeln und einen signierten Checkpoint ausgeben (für Zeugen)."""
    ledger = _ledger(load_settings())
    signed = ledger.checkpoint()
    ledger.engine.dispose()
    if signed is None:
        typer.echo("Das Protokoll ist leer; kein Checkpoint.", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps({"type": "checkpoint", **signed.to_document()}))


@audit_app.command("seal")
def seal(follow: bool = typer.Option(False, "--follow", help="als Dienst weiterlaufen (Sequencer)")) -> None:
    """Vorgemerkte Ereignisse in Kette und Merkle-Baum aufnehmen."""
    settings = load_settings()
    ledger = _ledger(settings)
    if not follow:
        typer.echo(f"{ledger.seal()} Einträge versiegelt.")
        return
    from app.bootstrap.operator import SequencerThread

    sequencer = SequencerThread(
        ledger, settings.audit_seal_interval_seconds, settings.audit_checkpoint_interval_seconds
    )
    sequencer.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sequencer.stop()


@audit_app.command("prune")
def prune(export_file: Path = typer.Option(..., "--export", help="zuvor erstellter Export")) -> None:
    """Einträge löschen, die älter als die Aufbewahrungsfrist, exportiert und von einem Checkpoint
    gedeckt sind. Hashes bleiben, damit der Rest weiterhin prüfbar ist."""
    from app.bootstrap.operator import file_sha256, read_export
    from app.domain.audit_chain.verification import verify_log
    from app.services.audit_integrity import PruneRefused, prune_plan

    settings = load_settings()
    ledger = _ledger(settings)
    contents = read_export(export_file)
    report = verify_log(contents.entries, contents.checkpoints, _trusted_keys(settings, []))
    report.findings[:0] = contents.findings
    try:
        before = prune_plan(contents.entries, report, datetime.now(UTC), settings.audit_retention_days)
    except PruneRefused as refusal:
        typer.echo(refusal.message, err=True)
        raise typer.Exit(1) from None
    if before == 0:
        typer.echo("Nichts zu bereinigen.")
        return
    exported = {e.position: e.entry_hash for e in contents.entries}
    stored = {e.position: e.entry_hash for e in ledger.entries() if e.position == before - 1}
    if stored.get(before - 1) != exported.get(before - 1):
        typer.echo("Der Export passt nicht zur Datenbank; es wird nichts gelöscht.", err=True)
        raise typer.Exit(1)
    deleted = ledger.prune(before, report.covered_through, file_sha256(export_file))
    typer.echo(f"{deleted} Ereignisse vor Eintrag Nr. {before} gelöscht; Hashes und Checkpoints bleiben.")


@audit_app.command("public-key")
def public_key() -> None:
    """Den öffentlichen Schlüssel der Checkpoints ausgeben (für Zeugen und Offline-Prüfung)."""
    typer.echo(_ledger(load_settings()).signer.public_key_pem(), nl=False)


@audit_app.command("grants")
def grants(role: str = typer.Option("cockpit_app", help="Datenbankrolle des Dienstes")) -> None:
    """SQL mit den PostgreSQL-Rechten der Anwendungsrolle ausgeben (siehe README)."""
    from app.bootstrap.operator import grants_sql

    sys.stdout.write(grants_sql(role))
