"""`cockpit import rav|iv|sozialdienst FILE`: batch import from an institution's own system."""

from __future__ import annotations

import uuid
from pathlib import Path

import typer

from app.domain.exchange import ImportLimits
from app.domain.institutions import InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.entrypoints.cli.wiring import load_settings, wired
from app.services.dossier_import import ImportOptions, ImportReport, RecordOutcome, import_file
from app.services.errors import ServiceError

import_app = typer.Typer(
    help="Datensätze aus dem Fachsystem einer Stelle übernehmen (RAV: XML, IV: JSON, Sozialdienst: CSV)",
    no_args_is_help=True,
)

_FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="Exportdatei des Fachsystems")
_INSTITUTION = typer.Option(..., "--stelle", help="Code der importierenden Stelle, z. B. RAV-SOLOTHURN")
_DRY_RUN = typer.Option(False, "--dry-run", help="Nur prüfen und berichten, nichts speichern.")
_CONFIRM = typer.Option(
    False, "--neue-personen-bestaetigen", help="Neue Personen trotz Kandidat (gleicher Name, Geburtsdatum)."
)


def run_import(
    kind: InstitutionKind, file: Path, institution_code: str, dry_run: bool, confirm: bool
) -> ImportReport:
    from app.bootstrap import institution_formats

    settings = load_settings()
    if file.stat().st_size > settings.import_max_bytes:
        typer.echo(f"Die Datei ist grösser als erlaubt ({settings.import_max_bytes} Bytes).", err=True)
        raise typer.Exit(2)
    with wired(settings) as container:
        with container.uow_factory() as uow:
            institution = uow.institutions.by_code(institution_code)
        if institution is None:
            typer.echo(f"Keine Stelle mit dem Code {institution_code}.", err=True)
            raise typer.Exit(2)
        principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, f"cli-import-{kind.value}", institution.id)
        ctx = container.context_for(principal, uuid.uuid4().hex)
        options = ImportOptions(
            dry_run=dry_run,
            confirm_new_persons=confirm,
            default_interval_months=settings.reassessment_interval_months,
            limits=ImportLimits(settings.import_max_bytes, settings.import_max_records),
        )
        with typer.progressbar(length=1, label="Import", file=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            try:
                report = import_file(
                    container.uow_factory(),
                    ctx,
                    institution_formats()[kind],
                    file.read_bytes(),
                    options,
                    progress,
                )
            except ServiceError as error:
                typer.echo(error.message, err=True)
                raise typer.Exit(2) from None
    _print(report)
    return report


def _print(report: ImportReport) -> None:
    for result in report.results:
        if result.outcome is RecordOutcome.ERROR:
            typer.echo(f"{result.location}: {result.message}")
    counts = report.summary()
    words = {"created": "neu", "changed": "geändert", "unchanged": "unverändert", "error": "Fehler"}
    prefix = "Probelauf (nichts gespeichert): " if report.dry_run else ""
    typer.echo(prefix + ", ".join(f"{counts[key]} {word}" for key, word in words.items()))


def _command(kind: InstitutionKind) -> None:
    def command(
        file: Path = _FILE,
        institution: str = _INSTITUTION,
        dry_run: bool = _DRY_RUN,
        confirm: bool = _CONFIRM,
    ) -> None:
        report = run_import(kind, file, institution, dry_run, confirm)
        if report.count(RecordOutcome.ERROR):
            raise typer.Exit(1)

    command.__doc__ = f"Exportdatei des Fachsystems einer Stelle der Art {kind.label} übernehmen."
    import_app.command(kind.value)(command)


for _kind in (InstitutionKind.RAV, InstitutionKind.IV, InstitutionKind.SOZIALDIENST):
    _command(_kind)
