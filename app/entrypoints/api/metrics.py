"""`GET /metrics`: Prometheus text format of the process's default registry.

Under `cockpit serve --workers N` (environment `PROMETHEUS_MULTIPROC_DIR` set before start) every
worker writes its samples to that directory and the answer sums them over all workers.
"""

from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

router = APIRouter(tags=["Betrieb"])


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Betriebsmetriken (Prometheus); ohne Personendaten: Routenvorlagen, Methoden, Status."""
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
