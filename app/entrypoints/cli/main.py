"""Operator command line: `cockpit --help`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from app.entrypoints.cli.audit import audit_app
from app.entrypoints.cli.backup import backup_app
from app.entrypoints.cli.cases import cases_app
from app.entrypoints.cli.consent import consent_app
from app.entrypoints.cli.events import events_app, worker
from app.entrypoints.cli.exchange import import_app
from app.entrypoints.cli.figures import demo_figures
from app.entrypoints.cli.identity import register as register_identity_commands
from app.entrypoints.cli.keys import keys_app, retention_app
from app.entrypoints.cli.serve import serve
from app.entrypoints.cli.wiring import load_settings, wired
from app.settings import PROJECT_ROOT, Environment, Settings

app = typer.Typer(help="Cockpit IIZ Solothurn – Betriebskommandos", no_args_is_help=True)
db_app = typer.Typer(help="Datenbankschema (alembic)", no_args_is_help=True)
demo_app = typer.Typer(help="Demodaten", no_args_is_help=True)
openapi_app = typer.Typer(help="OpenAPI-Beschreibung", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(openapi_app, name="openapi")
register_identity_commands(app)
app.add_typer(consent_app, name="consent")
app.add_typer(audit_app, name="audit")
app.add_typer(backup_app, name="backup")
app.add_typer(keys_app, name="keys")
app.add_typer(retention_app, name="retention")
app.add_typer(cases_app, name="cases")
app.add_typer(import_app, name="import")
app.add_typer(events_app, name="events")
app.command("worker")(worker)
app.command("serve")(serve)

OPENAPI_FILE = PROJECT_ROOT / "openapi" / "openapi.json"


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Zielrevision")) -> None:
    """Schema auf den neuesten (oder angegebenen) Stand bringen."""
    from app.bootstrap.operator import migrations

    migrations.upgrade(load_settings().database_url, revision)
    typer.echo(f"Datenbankschema auf Stand {revision}.")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Zielrevision, z. B. -1 oder base")) -> None:
    """Schema auf eine frühere Revision zurücksetzen."""
    from app.bootstrap.operator import migrations

    migrations.downgrade(load_settings().database_url, revision)
    typer.echo(f"Datenbankschema auf Stand {revision}.")


@demo_app.command("seed")
def demo_seed() -> None:
    """Demodaten anlegen (idempotent: ein zweiter Lauf ändert nichts)."""
    from app.demo.credentials import seed_demo_passwords
    from app.demo.seed import SeedConflict, seed_demo

    settings = load_settings()
    if settings.is_production:
        typer.echo("Demodaten sind im Produktionsmodus nicht erlaubt.", err=True)
        raise typer.Exit(2)
    try:
        with wired(settings) as container:
            report = seed_demo(container.uow_factory, container.clock.now())
            seed_demo_passwords(container.uow_factory(), container.identity.hasher)
    except SeedConflict as conflict:
        typer.echo(str(conflict), err=True)
        raise typer.Exit(1) from None
    typer.echo(report.summary())


demo_app.command("figures")(demo_figures)


@openapi_app.command("export")
def openapi_export(output: Path = typer.Option(OPENAPI_FILE, help="Zieldatei")) -> None:
    """Die OpenAPI-Beschreibung nach openapi/openapi.json schreiben."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_openapi(), encoding="utf-8")
    typer.echo(f"OpenAPI geschrieben: {output}")


def render_openapi() -> str:
    from app.entrypoints.api.app import create_app

    settings = Settings(environment=Environment.TEST, database_url="sqlite://")
    document = create_app(settings).openapi()
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> None:
    app()
