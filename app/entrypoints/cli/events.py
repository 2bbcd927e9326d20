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
    from app.adapters.events.sequencer import OutboxSequencer
    from app.main import build_container
    from app.services.event_audience import event_audience

    container = build_container(settings)
    audience = event_audience(container.uow_factory, container.access, _now)
    worker = DeliveryWorker(
        make_session_factory(container.engine),
        sender,
        _now,
        audience,
        policy,
        sequence=OutboxSequencer(container.engine).sequence,
        concurrency=settings.webhook_concurrency,
    )
    return worker, container.engine


def worker(
    once: bool = typer.Option(False, "--once", help="Einen Durchgang ausführen und beenden."),
    check: bool = typer.Option(
        False, "--check", help="Nur prüfen, ob ein Worker lebt (Lebenszeichen jünger als die Frist)."
    ),
) -> None:
    """Änderungsereignisse an die abonnierten Fachsysteme ausliefern (läuft bis SIGTERM/Ctrl-C).

    Fällt die Datenbank aus, wartet der Worker mit wachsendem Abstand und macht danach weiter."""
    from app.adapters.events.delivery import DeliveryPolicy, HttpSender
    from app.adapters.events.worker_loop import Heartbeat, WorkerLoop, worker_name

    settings = Settings()
    if check:
        raise typer.Exit(_check_heartbeat(settings))
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
    from app.adapters.db.engine import make_session_factory

    heartbeat = Heartbeat(make_session_factory(engine), worker_name(), _now)
    loop = WorkerLoop(lambda: delivery.run_once(wait=once), settings.worker_poll_seconds, heartbeat)
    typer.echo("Zustell-Worker läuft.")
    try:
        loop.run(stop, once=once)
    finally:
        delivery.close()
        sender.close()
        engine.dispose()
    typer.echo("Zustell-Worker beendet.")
    if once and loop.failures_in_a_row:
        raise typer.Exit(1)


def _check_heartbeat(settings: Settings) -> int:
    """0 when a worker wrote a healthy heartbeat within max(30 s, 5 polls), else 1 (for health checks)."""
    from app.adapters.db.engine import limits_of, make_engine
    from app.adapters.events.worker_loop import latest_heartbeat

    engine = make_engine(settings.database_url, limits_of(settings))
    try:
        latest = latest_heartbeat(engine)
    except Exception:  # the database itself is away: the worker cannot work either
        typer.echo("Datenbank nicht erreichbar.", err=True)
        return 1
    finally:
        engine.dispose()
    if latest is None:
        typer.echo("Kein Lebenszeichen eines Workers.", err=True)
        return 1
    beat_at, state = latest
    age = (_now() - beat_at).total_seconds()
    limit = max(30.0, 5 * settings.worker_poll_seconds)
    typer.echo(f"Letztes Lebenszeichen vor {age:.0f} s: {state}")
    return 0 if age <= limit and state == "ok" else 1


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
        delivery.close()
        sender.close()
        engine.dispose()
    typer.echo(f"{count} Zustellungen werden erneut versucht.")
