"""Correlation ids and security headers on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from app.entrypoints.api.problems import problem_response, unexpected_error_response

CORRELATION_HEADER = "X-Correlation-ID"
# Only a UUID is taken over from the caller: a free token could carry anything into log and audit.
_VALID_CORRELATION = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


access_log = logging.getLogger("cockpit.access")


MAX_BODY_BYTES = 1_000_000  # JSON bodies; documents get their own limit
# Bodies without Content-Length (chunked) are cut by the framework at this backstop.
STREAMED_BODY_BACKSTOP = 2 * MAX_BODY_BYTES
_UUID = _VALID_CORRELATION
_ROUTE_WORDS: frozenset[str] | None = None


def literal_segments(paths: list[str]) -> frozenset[str]:
    """The fixed words of the app's route paths (`cases`, `follow-up`, …), parameters left out."""
    return frozenset(
        segment for path in paths for segment in path.split("/") if segment and not segment.startswith("{")
    )


def loggable_path(path: str, known: frozenset[str]) -> str:
    """The path with ids as {id} and anything that is not a word of our routes as {…}: a caller may
    put personal data into a URL, and the log must not keep it."""
    segments = []
    for segment in path.split("/"):
        if not segment or segment in known:
            segments.append(segment)
        else:
            segments.append("{id}" if _UUID.match(segment) else "{…}")
    return "/".join(segments)


def install_middleware(app: FastAPI) -> None:
    """Order matters: the first added runs innermost."""

    def route_words() -> frozenset[str]:
        # The same for every app instance of this code base: computed once per process.
        global _ROUTE_WORDS
        if _ROUTE_WORDS is None:
            paths = [getattr(route, "path", "") for route in app.routes] + list(app.openapi()["paths"])
            _ROUTE_WORDS = literal_segments(paths)
        return _ROUTE_WORDS

    @app.middleware("http")
    async def answer_unexpected_errors(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Handled here rather than by an exception handler: Starlette re-raises after those, and the
        # server would then log the exception message, which can carry personal data.
        try:
            return await call_next(request)
        except Exception as error:  # every unexpected error becomes a 500 problem
            return unexpected_error_response(request, error)

    @app.middleware("http")
    async def limit_body_size(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "")
        # Document uploads stream past this limit; their route enforces a limit of its own.
        is_upload = request.method == "POST" and request.url.path.endswith("/documents")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES and not is_upload:
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
        access_log.info(
            "%s %s %s %.1fms correlation_id=%s",
            request.method,
            loggable_path(request.url.path, route_words()),
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
