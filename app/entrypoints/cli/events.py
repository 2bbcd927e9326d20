"""`cockpit worker` delivers change events; `cockpit events …` manages webhook subscriptions."""

from __future__ import annotations

import signal
import threading
import uuid
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

import typer

from app.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.adapters.events.delivery import DeliveryPolicy, DeliveryWorker
    from app.adapters.events.target_guard import GuardedHttpSender, TargetPolicy

events_app = typer.Typer(
    help="Änderungsereignisse: Webhook-Abonnemente der Fachsysteme", no_args_is_help=True
)


def _now() -> datetime:
    return datetime.now(UTC)


def _delivery_worker(
    settings: Settings, sender: GuardedHttpSender, policy: DeliveryPolicy | None = None
) -> tuple[DeliveryWorker, Engine]:
    """The worker, asking the services' policy at delivery time who may hear of an event."""
    from app.adapters.db.engine import make_session_factory
    from app.adapters.events.delivery import DeliveryWorker
    from app.main import build_container
    from app.services.event_audience import event_audience

    container = build_container(settings)
    audience = event_audience(container.uow_factory, container.access, _now)
    sessions = make_session_factory(container.engine)
    assert container.vault is not None  # build_container always sets it
    worker = DeliveryWorker(sessions, sender, _now, audience, policy, keys=container.vault.provider)
    return worker, container.engine


def _sender(settings: Settings) -> GuardedHttpSender:
    from app.adapters.events.target_guard import GuardedHttpSender

    return GuardedHttpSender(
        settings.webhook_timeout_seconds, target_policy(settings), settings.webhook_max_response_bytes
    )


def target_policy(settings: Settings) -> TargetPolicy:
    from app.adapters.events.target_guard import target_policy as from_settings

    return from_settings(settings)


def worker(
    once: bool = typer.Option(False, "--once", help="Einen Durchgang ausführen und beenden."),
) -> None:
    """Änderungsereignisse an die abonnierten Fachsysteme ausliefern (läuft bis SIGTERM/Ctrl-C)."""
    from app.adapters.events.delivery import DeliveryPolicy

    settings = Settings()
    sender = _sender(settings)
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
    from app.adapters.auth.secrets import SecretTools
    from app.adapters.events.target_guard import TargetRefused, check_url
    from app.entrypoints.cli.operator import operator_context
    from app.main import build_container
    from app.services.errors import ServiceError
    from app.services.identity.administration import subscribe as subscribe_service

    settings = Settings()
    policy = target_policy(settings)

    def check(candidate: str) -> None:
        try:
            check_url(candidate, policy)
        except TargetRefused as refused:
            raise ValueError(str(refused)) from None

    container = build_container(settings)
    try:
        found, secret = subscribe_service(
            container.uow_factory(),  # type: ignore[arg-type]
            operator_context(),
            SecretTools(),
            check,
            institution_code=institution,
            url=url,
        )
    except ServiceError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(2) from None
    finally:
        container.engine.dispose()
    typer.echo(f"Abonnement {found.id} angelegt. Geheimnis (nur jetzt sichtbar): {secret}")


@events_app.command("retry-dead")
def retry_dead(subscription: str = typer.Option("", "--abonnement", help="nur dieses Abonnement")) -> None:
    """Endgültig gescheiterte Zustellungen erneut versuchen."""
    settings = Settings()
    sender = _sender(settings)
    delivery, engine = _delivery_worker(settings, sender)
    try:
        count = delivery.retry_dead(uuid.UUID(subscription) if subscription else None)
    finally:
        sender.close()
        engine.dispose()
    typer.echo(f"{count} Zustellungen werden erneut versucht.")
