"""Liveness and readiness for the orchestrator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.bootstrap import Container, schema_is_current
from app.entrypoints.api.deps import get_container

router = APIRouter(prefix="/health", tags=["Betrieb"])


@router.get("/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready")
def ready(container: Annotated[Container, Depends(get_container)]) -> JSONResponse:
    """The database answers and carries the schema revision this code expects."""
    try:
        with container.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # any failure means not ready
        return JSONResponse({"status": "unavailable", "database": "nicht erreichbar"}, status_code=503)
    if not schema_is_current(current):
        return JSONResponse({"status": "unavailable", "database": "Schema nicht aktuell"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
