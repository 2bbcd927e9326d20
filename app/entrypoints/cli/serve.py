"""`cockpit serve`: the HTTP service, on PostgreSQL in several worker processes beside one sequencer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from app.entrypoints.cli.wiring import load_settings
from app.settings import Settings

# httptools and uvloop measured faster than h11/asyncio and than granian (bench/RESULTS.md). Our own
# access log (app/entrypoints/api/observability.py) names route templates only: uvicorn's stays off.
HTTP_PARSER = "httptools"
EVENT_LOOP = "uvloop"
WORKER_HEALTHCHECK_SECONDS = 60


def default_workers() -> int:
    return os.cpu_count() or 1


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = typer.Option(
        0, "--workers", "-w", help="Anzahl Prozesse (Standard: Anzahl Kerne; SQLite: immer 1)"
    ),
    sequencer: bool = typer.Option(
        True,
        "--sequencer/--no-sequencer",
        help="Bei mehreren Prozessen den Audit-Sequencer als eigenen Prozess mitstarten "
        "(--no-sequencer, wenn `cockpit audit seal --follow` separat läuft)",
    ),
) -> None:
    """Den Dienst starten."""
    import uvicorn

    from app.bootstrap import StartupRefused
    from app.entrypoints.api.app import create_app
    from app.entrypoints.api.asgi import settle_heap

    settings = load_settings()
    processes = _process_count(settings, workers)
    typer.echo(f"Cockpit läuft auf http://{host}:{port}  (API-Dokumentation: http://{host}:{port}/api/docs)")
    if processes == 1:
        from app.entrypoints.logging_setup import configure_json_logging, uvicorn_log_config

        try:
            application = create_app(settings)
        except StartupRefused as refusal:
            typer.echo(str(refusal), err=True)
            raise typer.Exit(2) from None
        configure_json_logging()
        settle_heap()
        uvicorn.run(
            application,
            host=host,
            port=port,
            http=HTTP_PARSER,
            loop=EVENT_LOOP,
            access_log=False,
            # X-Forwarded-For counts only from COCKPIT_TRUSTED_PROXIES (client_address.py), never
            # because a header arrived from 127.0.0.1
            proxy_headers=False,
            log_config=uvicorn_log_config(),
        )
        return
    _serve_workers(host, port, processes, settings, start_sequencer=sequencer)


def _process_count(settings: Settings, requested: int) -> int:
    if settings.database_url.startswith("sqlite"):
        if requested > 1:
            typer.echo("SQLite: der Dienst läuft in einem Prozess (mehrere Prozesse nur mit PostgreSQL).")
        return 1
    return requested or default_workers()


def _serve_workers(
    host: str, port: int, processes: int, settings: Settings, *, start_sequencer: bool
) -> None:
    """N uvicorn workers that only insert audit events, and one sequencer process that seals them."""
    import uvicorn

    from app.entrypoints.logging_setup import configure_json_logging, uvicorn_log_config

    metrics_dir = Path(tempfile.mkdtemp(prefix="cockpit-metrics-"))
    # Read by the workers (spawned with this environment) before prometheus_client is imported.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    os.environ["COCKPIT_AUDIT_BACKGROUND_SEALING"] = "false"
    configure_json_logging()
    pool = f"{settings.db_pool_size} (+{settings.db_max_overflow})"
    typer.echo(f"{processes} Prozesse; Datenbankverbindungen je Prozess: {pool}.")
    sealer = None
    if start_sequencer and settings.audit_background_sealing:
        cockpit = Path(sys.executable).with_name("cockpit")
        sealer = subprocess.Popen([str(cockpit), "audit", "seal", "--follow"])  # noqa: S603 - our own CLI
    try:
        uvicorn.run(
            "app.entrypoints.api.asgi:served_app",
            factory=True,
            host=host,
            port=port,
            workers=processes,
            # A worker imports the whole app before it answers the supervisor's ping; on a busy machine
            # that takes longer than uvicorn's 5 s, and the worker would be killed and restarted for good.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            http=HTTP_PARSER,
            loop=EVENT_LOOP,
            access_log=False,
            # X-Forwarded-For counts only from COCKPIT_TRUSTED_PROXIES (client_address.py), never
            # because a header arrived from 127.0.0.1
            proxy_headers=False,
            log_config=uvicorn_log_config(),
        )
    finally:
        if sealer is not None:
            sealer.terminate()
            sealer.wait(timeout=30)
        shutil.rmtree(metrics_dir, ignore_errors=True)
