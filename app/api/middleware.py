"""Correlation ids and security headers on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from app.api.problems import problem_response

CORRELATION_HEADER = "X-Correlation-ID"
_VALID_CORRELATION = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


MAX_BODY_BYTES = 1_000_000
access_log = logging.getLogger("cockpit.access")


def install_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def limit_body_size(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return problem_response(
                request, "payload-too-large", "Der Inhalt der Anfrage ist grösser als 1 MB."
            )
        return await call_next(request)

    @app.middleware("http")
    async def correlation_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        supplied = request.headers.get(CORRELATION_HEADER, "")
        request.state.correlation_id = supplied if _VALID_CORRELATION.match(supplied) else uuid.uuid4().hex
        started = time.perf_counter()
        response = await call_next(request)
        # Path without query string: ids are pseudonymous, query strings are not ours to judge.
        access_log.info(
            "%s %s %s %.1fms correlation_id=%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            request.state.correlation_id,
        )
        response.headers[CORRELATION_HEADER] = request.state.correlation_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.url.path.startswith("/api/"):
            # Responses may carry personal data: never store them in a cache.
            response.headers["Cache-Control"] = "no-store"
        return response
