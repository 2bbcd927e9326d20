"""One pure ASGI middleware around the app: correlation id, body limit, security headers, unexpected
errors as problems, the access log line and the request metrics.

Pure ASGI rather than `BaseHTTPMiddleware`: no extra task, no request/response objects per layer, and
the response streams through untouched except for its headers.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.entrypoints.api.observability import observe_request
from app.entrypoints.api.problems import problem_response, unexpected_error_response

CORRELATION_HEADER = "X-Correlation-ID"
# Only a UUID is taken over from the caller: a free token could carry anything into log and audit.
_VALID_CORRELATION = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)

MAX_BODY_BYTES = 1_000_000  # JSON bodies; documents get their own limit
# Bodies without Content-Length (chunked) are cut by the framework at this backstop.
STREAMED_BODY_BACKSTOP = 2 * MAX_BODY_BYTES
_UUID = _VALID_CORRELATION
_ROUTE_WORDS: frozenset[str] | None = None

# The app serving the current request: the routes are shared by every app of the process
# (app/entrypoints/api/route_table.py) and find an app's dependency overrides through it.
serving_app: ContextVar[Any] = ContextVar("cockpit_serving_app", default=None)

_NOSNIFF = (b"x-content-type-options", b"nosniff")
_NO_REFERRER = (b"referrer-policy", b"no-referrer")
_NO_STORE = (b"cache-control", b"no-store")


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


def route_template(scope: Scope) -> str | None:
    """The matched route's full template (`/api/v1/cases/{case_id}`), None when nothing matched: the
    service's routes carry their full path (route_table.py)."""
    return getattr(scope.get("route"), "path", None) or None


class RequestEnvelope:
    """Everything every HTTP request passes through once, in one layer."""

    def __init__(self, app: ASGIApp, routes_of: Any) -> None:
        self.app = app
        self._routes_of = routes_of  # the FastAPI app, asked for its paths on the first unmatched request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        supplied = ""
        declared = b""
        for name, value in scope["headers"]:
            if name == b"x-correlation-id":
                supplied = value.decode("latin-1")
            elif name == b"content-length":
                declared = value
        correlation_id = supplied if _VALID_CORRELATION.match(supplied) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        serving = serving_app.set(scope.get("app"))
        path: str = scope["path"]
        extra_headers = [(b"x-correlation-id", correlation_id.encode("latin-1"))]
        api = path.startswith("/api/")
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (api and name == b"cache-control")
                ]
                present = {name for name, _ in headers}
                headers.extend(extra_headers)
                if _NOSNIFF[0] not in present:
                    headers.append(_NOSNIFF)
                if _NO_REFERRER[0] not in present:
                    headers.append(_NO_REFERRER)
                if api:
                    # Responses may carry personal data: never store them in a cache.
                    headers.append(_NO_STORE)
                message["headers"] = headers
            await send(message)

        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send_with_headers(message)

        # Document uploads stream past this limit; their route enforces a limit of its own.
        is_upload = scope["method"] == "POST" and path.endswith("/documents")
        try:
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES and not is_upload:
                response = problem_response(
                    Request(scope), "payload-too-large", "Der Inhalt der Anfrage ist grösser als 1 MB."
                )
                await response(scope, receive, send_tracking)
            else:
                await self.app(scope, receive, send_tracking)
        except Exception as error:  # every unexpected error becomes a 500 problem
            # Handled here rather than by an exception handler: Starlette re-raises after those, and
            # the server would then log the exception message, which can carry personal data.
            response = unexpected_error_response(Request(scope), error)
            if not response_started:
                await response(scope, receive, send_tracking)
        finally:
            serving_app.reset(serving)
            template = route_template(scope)
            observe_request(
                scope["method"],
                template,
                template or loggable_path(path, self._route_words()),
                status,
                time.perf_counter() - started,
                correlation_id,
            )

    def _route_words(self) -> frozenset[str]:
        # The same for every app instance of this code base: computed once per process.
        global _ROUTE_WORDS
        if _ROUTE_WORDS is None:
            app = self._routes_of
            paths = [getattr(route, "path", "") for route in app.routes] + list(app.openapi()["paths"])
            _ROUTE_WORDS = literal_segments(paths)
        return _ROUTE_WORDS


def install_middleware(app: Any) -> None:
    app.add_middleware(RequestEnvelope, routes_of=app)
