"""Operator commands on the cases' stored content: `cockpit cases ...`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import typer

from app.entrypoints.cli.wiring import wired

cases_app = typer.Typer(help="Fallinhalte (Betrieb)", no_args_is_help=True)


@cases_app.command("reclassify-texts")
def reclassify_texts(
    dry_run: bool = typer.Option(False, help="Nur zählen, welche Texte verschoben würden"),
    batch_size: int = typer.Option(100, min=1, help="Fälle pro Abfrage (jeder Fall in eigener Transaktion)"),
    after: str = typer.Option("", help="Nach diesem Fall fortsetzen (Id aus einem unterbrochenen Lauf)"),
) -> None:
    """Freie Texte (Segmentbegründungen, Abschluss- und Nachbetreuungsnotizen, Konferenzprotokolle) aus
    der Fallführung in die eigene Kategorie der schreibenden Stelle verschieben und neu versiegeln.

    Online, fortsetzbar und wiederholbar: ein zweiter Lauf findet nichts mehr; jeder geänderte Fall
    erhält ein Protokollereignis."""
    from app.services.text_reclassification import reclassify_texts as run

    start = uuid.UUID(after) if after else None
    with wired() as container:
        report = run(
            container.uow_factory, datetime.now(UTC), dry_run=dry_run, batch_size=batch_size, after=start
        )
    by_kind = ", ".join(f"{kind.label}: {count}" for kind, count in sorted(report.texts.items()))
    verb = "würden verschoben" if dry_run else "verschoben"
    typer.echo(
        f"{report.cases_checked} Fälle geprüft, {report.cases_changed} betroffen; "
        f"{report.moved} Texte {verb}{f' ({by_kind})' if by_kind else ''}."
    )
