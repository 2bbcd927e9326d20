"""The app as the server's workers build it: `uvicorn --factory app.entrypoints.api.asgi:served_app`."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from app.entrypoints.api.app import create_app
from app.entrypoints.logging_setup import configure_json_logging
from app.settings import Settings


def served_app() -> FastAPI:
    """One per worker process: settings from the environment, JSON logs through a queue."""
    configure_json_logging()
    application = create_app(Settings())
    settle_heap()
    return application


# A request allocates a few thousand objects; with Python's default threshold (700) the collector
# runs several times per request and now and then walks every object of the imported app, which is
# what the slowest requests wait for. Collected more rarely, and without the app's own objects.
GC_THRESHOLDS = (20_000, 20, 20)


def settle_heap() -> None:
    """Once the app is built: what exists now lives as long as the process, so the collector leaves
    it alone (`gc.freeze`) and runs less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
