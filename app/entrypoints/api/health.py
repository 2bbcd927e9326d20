"""Liveness and readiness for the orchestrator.

Readiness answers within `COCKPIT_READINESS_TIMEOUT_SECONDS` (below one second) whatever the state of
the database: the checks run on a small pool of their own, and a check still running after the bound
counts as "not ready". 503 whenever the service could not serve a request: database unreachable or
on another schema, disk full or not writable, keys that do not open what the database holds, the
checkpoint signing key unreadable.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimeout
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.bootstrap import Container, keys_usable, schema_is_current
from app.entrypoints.api.deps import get_container
from app.settings import Settings

router = APIRouter(prefix="/health", tags=["Betrieb"])

# Two threads: a database that hangs holds at most these, never the request threads.
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readiness")


@router.get("/live")
async def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready")
def ready(container: Annotated[Container, Depends(get_container)]) -> JSONResponse:
    """Database with the expected schema, free disk, usable keys and signing key; else 503."""
    future = _checks.submit(readiness, container)
    try:
        checks = future.result(timeout=container.settings.readiness_timeout_seconds)
    except CheckTimeout:
        checks = {"database": "keine Antwort innert Frist"}
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status_code=200 if healthy else 503,
        headers=None if healthy else {"Retry-After": str(container.settings.retry_after_seconds)},
    )


def readiness(container: Container) -> dict[str, str]:
    settings = container.settings
    checks = {"database": "ok", "disk": _disk(settings), "keys": "ok", "signing_key": _signing_key(settings)}
    try:
        with container.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if not schema_is_current(current):
                checks["database"] = "Schema nicht aktuell"
            elif container.vault is not None:
                checks["keys"] = keys_usable(connection, container.vault) or "ok"
    except Exception:  # any failure means not ready
        checks["database"] = "nicht erreichbar"
    return checks


def _disk(settings: Settings) -> str:
    """Where the service writes: the SQLite file's folder, the upload staging folder."""
    places = [settings.upload_staging_dir or Path(os.environ.get("TMPDIR", "/tmp"))]  # noqa: S108
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        places.append(Path(str(url.database)).parent)
    for place in places:
        try:
            if shutil.disk_usage(place).free < settings.readiness_min_free_bytes:
                return "Speicherplatz erschöpft"
        except OSError:
            return "Speicherort nicht erreichbar"
        if not os.access(place, os.W_OK):
            return "Speicherort nicht beschreibbar"
    return "ok"


def _signing_key(settings: Settings) -> str:
    key = settings.audit_signing_key_file
    if settings.is_production or key.exists():
        return "ok" if os.access(key, os.R_OK) else "Signaturschlüssel nicht lesbar"
    return "ok"  # created on first use outside production
