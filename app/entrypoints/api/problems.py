"""RFC 9457 problem details in German, with a JSON pointer to the offending field.

Every error the service answers goes through here, so the shape is the same everywhere and no
input value (which might be personal data) is echoed back.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.bootstrap import failure_summary, is_database_unavailable
from app.domain.cases.process_rules import RuleConflict
from app.domain.documents import DocumentTooLarge
from app.domain.errors import (
    ConcurrentConflict,
    DataDestroyed,
    DomainError,
    InvalidValue,
    PhaseConflict,
    StaleVersion,
)
from app.entrypoints.api.validation_messages import german_message
from app.services.errors import Forbidden, NotFound, PersonAlreadyRegistered, ServiceError

PROBLEM_JSON = "application/problem+json"
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
logger = logging.getLogger("cockpit.api")


@dataclass(frozen=True)
class ProblemKind:
    slug: str
    status: int
    title: str
    description: str


KINDS = {
    kind.slug: kind
    for kind in [
        ProblemKind("validation", 422, "Ungültige Eingabe", "Eine oder mehrere Angaben sind ungültig."),
        ProblemKind(
            "rule-violation", 422, "Fachliche Regel verletzt", "Die Änderung verletzt eine Regel der DFF."
        ),
        ProblemKind(
            "phase-conflict",
            409,
            "In dieser Fallphase nicht möglich",
            "Der Fall ist in einer Phase, die das nicht zulässt.",
        ),
        ProblemKind(
            "not-found",
            404,
            "Nicht gefunden",
            "Die Ressource gibt es nicht oder sie ist für Sie nicht zugänglich.",
        ),
        ProblemKind("forbidden", 403, "Keine Berechtigung", "Für diese Aktion fehlt die Berechtigung."),
        ProblemKind(
            "unauthenticated", 401, "Nicht angemeldet", "Die Anfrage braucht eine gültige Anmeldung."
        ),
        ProblemKind("already-registered", 409, "Bereits erfasst", "Der Datensatz ist bereits erfasst."),
        ProblemKind(
            "stale-version", 412, "Veraltete Version", "Der Datensatz wurde inzwischen geändert (If-Match)."
        ),
        ProblemKind(
            "precondition-required",
            428,
            "If-Match fehlt",
            "Änderungen verlangen den Header If-Match mit dem ETag.",
        ),
        ProblemKind("conflict", 409, "Konflikt", "Eine gleichzeitige Änderung kam dieser zuvor."),
        ProblemKind(
            "process-conflict",
            409,
            "Ablauf nicht eingehalten",
            "Ein Schritt des IIZ-Ablaufs fehlt noch (die Regel ist in `rule` genannt).",
        ),
        ProblemKind(
            "data-destroyed",
            410,
            "Daten gelöscht",
            "Die Daten wurden nach Ablauf der Aufbewahrungsfrist endgültig gelöscht.",
        ),
        ProblemKind("bad-request", 400, "Ungültige Anfrage", "Die Anfrage ist nicht lesbar."),
        ProblemKind(
            "method-not-allowed",
            405,
            "Methode nicht erlaubt",
            "Diese HTTP-Methode wird hier nicht unterstützt.",
        ),
        ProblemKind("payload-too-large", 413, "Anfrage zu gross", "Der Inhalt der Anfrage ist zu gross."),
        ProblemKind(
            "request-timeout", 408, "Zeitüberschreitung", "Der Inhalt der Anfrage kam nicht rechtzeitig an."
        ),
        ProblemKind(
            "too-many-uploads",
            429,
            "Zu viele gleichzeitige Uploads",
            "Dieser Zugang hat bereits die höchstzulässige Zahl laufender Uploads.",
        ),
        ProblemKind(
            "unsupported-media-type", 415, "Format nicht unterstützt", "Erwartet wird application/json."
        ),
        ProblemKind("internal", 500, "Interner Fehler", "Ein unerwarteter Fehler ist aufgetreten."),
        ProblemKind("unavailable", 503, "Nicht verfügbar", "Der Dienst ist vorübergehend nicht verfügbar."),
    ]
}


class ProblemError(Exception):
    """Raise from the API layer to answer with a problem of a given kind."""

    def __init__(
        self,
        slug: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = KINDS[slug]
        self.detail = detail
        self.errors = errors or []
        self.headers = headers


def type_uri(request: Request, slug: str) -> str:
    return str(request.url_for("problem_type", slug=slug))


def problem_response(
    request: Request,
    slug: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    status: int | None = None,
    **extensions: Any,
) -> JSONResponse:
    kind = KINDS[slug]
    status = status or kind.status
    body: dict[str, Any] = {
        "type": type_uri(request, slug),
        "title": kind.title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def pointer(location: tuple[Any, ...] | list[Any]) -> dict[str, str]:
    """`("body", "address", "postal_code")` → {"pointer": "#/address/postal_code"}."""
    where, *path = location or ("body",)
    escaped = "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)
    if where == "body":
        return {"pointer": f"#/{escaped}" if escaped else "#"}
    return {"parameter": escaped or str(where), "in": str(where)}


def _field_pointer(field: str | None) -> list[dict[str, str]]:
    if not field:
        return []
    return [pointer(("body", *field.split(".")))]


def _location(error: dict[str, Any]) -> tuple[Any, ...]:
    """Where the error is; an unknown key is named only if it looks like a field name, since a
    caller may send anything as a key."""
    location = tuple(error.get("loc", ()))
    if error.get("type") == "extra_forbidden" and location and not _FIELD_NAME.match(str(location[-1])):
        return location[:-1]
    return location


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"detail": german_message(e), **pointer(_location(e))} for e in exc.errors()]
    detail = errors[0]["detail"] if len(errors) == 1 else f"{len(errors)} Angaben sind ungültig."
    return problem_response(request, "validation", detail, errors)


async def _domain(request: Request, exc: DomainError) -> JSONResponse:
    errors = [{"detail": exc.message, **e} for e in _field_pointer(exc.field)]
    rule = getattr(exc, "rule", None)
    if rule is not None:  # a process rule of the canton: named, so the caller can look it up
        slug = "process-conflict" if isinstance(exc, RuleConflict) else "rule-violation"
        if isinstance(exc, InvalidValue):
            slug = "validation"
        return problem_response(request, slug, exc.message, errors, rule=rule)
    if isinstance(exc, PhaseConflict):
        return problem_response(request, "phase-conflict", exc.message, errors)
    if isinstance(exc, ConcurrentConflict):
        return problem_response(request, "conflict", exc.message, errors)
    if isinstance(exc, DataDestroyed):
        return problem_response(request, "data-destroyed", exc.message)
    if isinstance(exc, DocumentTooLarge):
        return problem_response(request, "payload-too-large", exc.message, errors)
    slug = "validation" if isinstance(exc, InvalidValue) else "rule-violation"
    return problem_response(request, slug, exc.message, errors)


async def _stale(request: Request, exc: StaleVersion) -> JSONResponse:
    return problem_response(request, "stale-version", exc.message)


async def _service(request: Request, exc: ServiceError) -> JSONResponse:
    errors = [{"detail": exc.message, **e} for e in _field_pointer(exc.field)]
    if isinstance(exc, NotFound):
        # Same body whether missing or inaccessible: no pointer, no id, a fixed text.
        return problem_response(request, "not-found", exc.message)
    if isinstance(exc, Forbidden):
        return problem_response(request, "forbidden", exc.message)
    if isinstance(exc, PersonAlreadyRegistered):
        if exc.person_id is None:
            return problem_response(request, "already-registered", exc.message, errors)
        return problem_response(
            request, "already-registered", exc.message, errors, person_id=str(exc.person_id)
        )
    return problem_response(request, "rule-violation", exc.message, errors)


async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
    return problem_response(request, exc.kind.slug, exc.detail, exc.errors, headers=exc.headers)


_HTTP_SLUGS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    401: "unauthenticated",
    403: "forbidden",
    503: "unavailable",
}


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    slug = _HTTP_SLUGS.get(exc.status_code, "bad-request" if exc.status_code < 500 else "internal")
    kind = KINDS[slug]
    # An unmapped status keeps its own code, in the body too.
    return problem_response(
        request, slug, kind.description, headers=getattr(exc, "headers", None), status=exc.status_code
    )


def unexpected_error_response(request: Request, exc: Exception) -> JSONResponse:
    # The caller learns nothing; the log gets one line: type, scrubbed message, place (failures.py).
    if is_database_unavailable(exc):
        return database_unavailable_response(request, exc)
    logger.error(
        "Unerwarteter Fehler %s correlation_id=%s",
        failure_summary(exc),
        getattr(request.state, "correlation_id", "-"),
    )
    return problem_response(request, "internal", KINDS["internal"].description)


def database_unavailable_response(request: Request, exc: Exception) -> JSONResponse:
    logger.error(
        "Datenbank nicht verfügbar %s correlation_id=%s",
        failure_summary(exc),
        getattr(request.state, "correlation_id", "-"),
    )
    retry_after = getattr(getattr(request.app.state, "container", None), "settings", None)
    seconds = getattr(retry_after, "retry_after_seconds", 5)
    return problem_response(
        request,
        "unavailable",
        "Die Datenbank ist vorübergehend nicht erreichbar; bitte später erneut versuchen.",
        headers={"Retry-After": str(seconds)},
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if not is_database_unavailable(exc):
        return unexpected_error_response(request, exc)
    return database_unavailable_response(request, exc)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, _domain)  # type: ignore[arg-type]
    app.add_exception_handler(StaleVersion, _stale)  # type: ignore[arg-type]
    app.add_exception_handler(ServiceError, _service)  # type: ignore[arg-type]
    app.add_exception_handler(ProblemError, _problem)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    for database_error in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(database_error, _database_unavailable)
