"""Per-request observations: one access log record and the Prometheus request metrics.

Labels are route templates (`/api/v1/cases/{case_id}`), methods and status codes only, never a path
with ids or anything else a caller typed: metrics and log stay free of personal data.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Histogram

access_log = logging.getLogger("cockpit.access")

UNMATCHED_ROUTE = "<unmatched>"

REQUEST_SECONDS = Histogram(
    "cockpit_http_request_duration_seconds",
    "Dauer der HTTP-Anfragen pro Routenvorlage",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "cockpit_http_requests",
    "HTTP-Antworten pro Routenvorlage und Status",
    ["route", "method", "status"],
)


def observe_request(
    method: str, template: str | None, loggable_route: str, status: int, seconds: float, correlation_id: str
) -> None:
    """Count the request, time it and write its access log line (handed to the log queue)."""
    route = template or UNMATCHED_ROUTE
    REQUEST_SECONDS.labels(route, method).observe(seconds)
    REQUESTS.labels(route, method, str(status)).inc()
    if access_log.isEnabledFor(logging.INFO):
        access_log.info(
            "http request",
            extra={
                "fields": {
                    "correlation_id": correlation_id,
                    "route": loggable_route,
                    "method": method,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                }
            },
        )
