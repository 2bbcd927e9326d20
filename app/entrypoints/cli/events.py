"""`cockpit worker` delivers change events; `cockpit events …` manages webhook subscriptions."""

from __future__ import annotations

import signal
import threading
import uuid
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

import typer

from app.settings import Environment, Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.adapters.events.delivery import DeliveryPolicy, DeliveryWorker, HttpSender

events_app = typer.Typer(
    help="Änderungsereignisse: Webhook-Abonnemente der Fachsysteme", no_args_is_help=True
)


def _now() -> datetime:
    return datetime.now(UTC)


def _delivery_worker(
    settings: Settings, sender: HttpSender, policy: DeliveryPolicy | None = None
) -> tuple[DeliveryWorker, Engine]:
    """The worker, asking the services' policy at delivery time who may hear of an event."""
    from app.adapters.db.engine import make_session_factory
    from app.adapters.events.delivery import DeliveryWorker
    from app.domain.pendenzen import PendenzenRules
    from app.main import build_container
    from app.services.event_audience import event_audience

    container = build_container(settings)
    audience = event_audience(container.uow_factory, container.access, _now)
    rules = PendenzenRules(
        settings.pendenzen_preview_days, settings.intake_segment_due_days, settings.pendenzen_escalation_days
    )
    raising = rules if settings.pendenzen_events else None
    worker = DeliveryWorker(make_session_factory(container.engine), sender, _now, audience, policy, raising)
    return worker, container.engine


def worker(
    once: bool = typer.Option(False, "--once", help="Einen Durchgang ausführen und beenden."),
) -> None:
    """Änderungsereignisse an die abonnierten Fachsysteme ausliefern (läuft bis SIGTERM/Ctrl-C)."""
    from app.adapters.events.delivery import DeliveryPolicy, HttpSender

    settings = Settings()
    sender = HttpSender(settings.webhook_timeout_seconds)
    policy = DeliveryPolicy(
        max_attempts=settings.webhook_max_attempts, backoff_base_seconds=settings.webhook_backoff_seconds
    )
    delivery, engine = _delivery_worker(settings, sender, policy)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("Zustell-Worker läuft.")
    try:
        while not stop.is_set():
            attempted = delivery.run_once()
            if once:
                break
            if attempted == 0:
                stop.wait(settings.worker_poll_seconds)
    finally:
        sender.close()
        engine.dispose()
    typer.echo("Zustell-Worker beendet.")


@events_app.command("subscribe")
def subscribe(
    institution: str = typer.Option(..., "--stelle", help="Code der Stelle, deren System abonniert"),
    url: str = typer.Option(..., "--url", help="Empfangs-URL des Fachsystems (https)"),
) -> None:
    """Ein Webhook-Abonnement anlegen; das Geheimnis für die Signatur wird einmal angezeigt."""
    from app.adapters.db.engine import make_engine, make_session_factory
    from app.adapters.events.subscriptions import add_subscription

    settings = Settings()
    loopback = url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not url.startswith("https://") and not (
        loopback and settings.environment is not Environment.PRODUCTION
    ):
        typer.echo("Die URL muss mit https:// beginnen.", err=True)
        raise typer.Exit(2)
    engine = make_engine(settings.database_url)
    try:
        found = add_subscription(make_session_factory(engine), institution, url, _now())
    finally:
        engine.dispose()
    if found is None:
        typer.echo(f"Keine Stelle mit dem Code {institution}.", err=True)
        raise typer.Exit(2)
    subscription_id, secret = found
    typer.echo(f"Abonnement {subscription_id} angelegt. Geheimnis (nur jetzt sichtbar): {secret}")


@events_app.command("retry-dead")
def retry_dead(subscription: str = typer.Option("", "--abonnement", help="nur dieses Abonnement")) -> None:
    """Endgültig gescheiterte Zustellungen erneut versuchen."""
    from app.adapters.events.delivery import HttpSender

    settings = Settings()
    sender = HttpSender(settings.webhook_timeout_seconds)
    delivery, engine = _delivery_worker(settings, sender)
    try:
        count = delivery.retry_dead(uuid.UUID(subscription) if subscription else None)
    finally:
        sender.close()
        engine.dispose()
    typer.echo(f"{count} Zustellungen werden erneut versucht.")


@events_app.command("pendenzen")
def raise_pendenzen() -> None:
    """Ereignisse «bald fällig», «überfällig» und «eskaliert» für die Pendenzen auslösen (idempotent)."""
    from app.adapters.events.delivery import HttpSender

    settings = Settings()
    delivery, engine = _delivery_worker(settings, HttpSender(settings.webhook_timeout_seconds))
    try:
        raised = delivery.raise_pendenz_events()
    finally:
        engine.dispose()
    typer.echo(f"{raised} Pendenzen-Ereignisse ausgelöst.")
