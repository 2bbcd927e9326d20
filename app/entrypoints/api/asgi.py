"""The app as the server's workers build it: `uvicorn --factory app.entrypoints.api.asgi:served_app`."""

from __future__ import annotations

from fastapi import FastAPI

from app.entrypoints.api.app import create_app
from app.entrypoints.logging_setup import configure_json_logging
from app.settings import Settings


def served_app() -> FastAPI:
    """One per worker process: settings from the environment, JSON logs through a queue."""
    configure_json_logging()
    return create_app(Settings())
