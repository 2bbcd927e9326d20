"""`cockpit worker` delivers change events; `cockpit events …` manages webhook subscriptions."""

from __future__ import annotations

import signal
import threading
import uuid
from datetime import UTC, datetime
from types import FrameType

import typer

from app.entrypoints.cli.wiring import load_settings, wired
from app.settings import Settings

events_app = typer.Typer(
    help="Änderungsereignisse: Webhook-Abonnemente der Fachsysteme", no_args_is_help=True
)


def _now() -> datetime:
    return datetime.now(UTC)


def worker(
    once: bool = typer.Option(False, "--once", help="Einen Durchgang ausführen und beenden."),
    check: bool = typer.Option(
        False, "--check", help="Nur prüfen, ob ein Worker lebt (Lebenszeichen jünger als die Frist)."
    ),
) -> None:
    """Änderungsereignisse an die abonnierten Fachsysteme ausliefern (läuft bis SIGTERM/Ctrl-C).

    Fällt die Datenbank aus, wartet der Worker mit wachsendem Abstand und macht danach weiter."""
    from app.bootstrap import WorkerLoop, build_delivery_worker, worker_heartbeat

    settings = load_settings()
    if check:
        raise typer.Exit(_check_heartbeat(settings))
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("Zustell-Worker läuft.")
    with wired(settings) as container, build_delivery_worker(container) as delivery:
        loop = WorkerLoop(
            lambda: delivery.run_once(wait=once), settings.worker_poll_seconds, worker_heartbeat(container)
        )
        loop.run(stop, once=once)
    typer.echo("Zustell-Worker beendet.")
    if once and loop.failures_in_a_row:
        raise typer.Exit(1)


def _check_heartbeat(settings: Settings) -> int:
    """0 when a worker wrote a healthy heartbeat within max(30 s, 5 polls), else 1 (for health checks)."""
    from app.bootstrap import latest_heartbeat

    try:
        with wired(settings) as container:
            latest = latest_heartbeat(container.engine)
    except Exception:  # the database itself is away: the worker cannot work either
        typer.echo("Datenbank nicht erreichbar.", err=True)
        return 1
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
    """Ein Webhook-Abonnement anlegen (protokolliert); das Signaturgeheimnis wird einmal angezeigt."""
    from app.bootstrap.operator import SecretTools, TargetRefused, check_url, target_policy
    from app.entrypoints.cli.operator import operator_context
    from app.services.errors import ServiceError
    from app.services.identity.administration import subscribe as subscribe_service

    settings = load_settings()
    policy = target_policy(settings)

    def check(candidate: str) -> None:
        try:
            check_url(candidate, policy)
        except TargetRefused as refused:
            raise ValueError(str(refused)) from None

    with wired(settings) as container:
        try:
            found, secret = subscribe_service(
                container.uow_factory(),
                operator_context(),
                SecretTools(),
                check,
                institution_code=institution,
                url=url,
            )
        except ServiceError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(2) from None
    typer.echo(f"Abonnement {found.id} angelegt. Geheimnis (nur jetzt sichtbar): {secret}")


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
