"""`cockpit worker` delivers change events; `cockpit events …` manages webhook subscriptions."""

from __future__ import annotations

import signal
import threading
import uuid
from datetime import UTC, datetime
from types import FrameType

import typer

from app.entrypoints.cli.wiring import load_settings, wired
from app.settings import Environment

events_app = typer.Typer(
    help="Änderungsereignisse: Webhook-Abonnemente der Fachsysteme", no_args_is_help=True
)


def _now() -> datetime:
    return datetime.now(UTC)


def worker(
    once: bool = typer.Option(False, "--once", help="Einen Durchgang ausführen und beenden."),
) -> None:
    """Änderungsereignisse an die abonnierten Fachsysteme ausliefern (läuft bis SIGTERM/Ctrl-C)."""
    from app.bootstrap import build_delivery_worker

    settings = load_settings()
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("Zustell-Worker läuft.")
    with wired(settings) as container, build_delivery_worker(container) as delivery:
        while not stop.is_set():
            attempted = delivery.run_once()
            if once:
                break
            if attempted == 0:
                stop.wait(settings.worker_poll_seconds)
    typer.echo("Zustell-Worker beendet.")


@events_app.command("subscribe")
def subscribe(
    institution: str = typer.Option(..., "--stelle", help="Code der Stelle, deren System abonniert"),
    url: str = typer.Option(..., "--url", help="Empfangs-URL des Fachsystems (https)"),
) -> None:
    """Ein Webhook-Abonnement anlegen; das Geheimnis für die Signatur wird einmal angezeigt."""
    from app.bootstrap import subscribe_institution

    settings = load_settings()
    loopback = url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not url.startswith("https://") and not (
        loopback and settings.environment is not Environment.PRODUCTION
    ):
        typer.echo("Die URL muss mit https:// beginnen.", err=True)
        raise typer.Exit(2)
    with wired(settings) as container:
        found = subscribe_institution(container, institution, url, _now())
    if found is None:
        typer.echo(f"Keine Stelle mit dem Code {institution}.", err=True)
        raise typer.Exit(2)
    subscription_id, secret = found
    typer.echo(f"Abonnement {subscription_id} angelegt. Geheimnis (nur jetzt sichtbar): {secret}")


@events_app.command("retry-dead")
def retry_dead(subscription: str = typer.Option("", "--abonnement", help="nur dieses Abonnement")) -> None:
    """Endgültig gescheiterte Zustellungen erneut versuchen."""
    from app.bootstrap import build_delivery_worker

    with wired() as container, build_delivery_worker(container) as delivery:
        count = delivery.retry_dead(uuid.UUID(subscription) if subscription else None)
    typer.echo(f"{count} Zustellungen werden erneut versucht.")


@events_app.command("pendenzen")
def raise_pendenzen() -> None:
    """Ereignisse «bald fällig», «überfällig» und «eskaliert» für die Pendenzen auslösen (idempotent)."""
    from app.bootstrap import build_delivery_worker

    settings = load_settings()
    with wired(settings) as container, build_delivery_worker(container) as delivery:
        raised = delivery.raise_pendenz_events()
    typer.echo(f"{raised} Pendenzen-Ereignisse ausgelöst.")
