"""The FastAPI application: routers, problem handlers, middleware and the thin client on one container
(app/bootstrap.py builds it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.bootstrap import Container, build_container, freeze_startup_objects, sequencer_for, watch_database
from app.entrypoints.api import problem_docs
from app.entrypoints.api.middleware import install_middleware
from app.entrypoints.api.problems import install_problem_handlers
from app.entrypoints.api.route_table import service_routes
from app.entrypoints.api.short_work import ClientClosedRequest, nobody_to_answer
from app.entrypoints.web import install_web
from app.settings import Environment, Settings

API_VERSION = "1.0.0"
DESCRIPTION = """\
Datenaustauschplattform für die interinstitutionelle Zusammenarbeit (IIZ) im Kanton Solothurn:
ein gemeinsamer Fall pro Klient/in in der Durchgehenden Fallführung (DFF).

Fehler werden als `application/problem+json` (RFC 9457) in deutscher Sprache gemeldet.
Änderungen an bestehenden Ressourcen verlangen `If-Match` mit dem ETag der gelesenen Version; geprüft
werden nur die Teile des Falls, die die Änderung umschreibt. Neue Einträge (Journal, Ziel, Massnahme,
Assessment, Standortbestimmung, Fallkonferenz) brauchen kein `If-Match`.
"""


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or Settings()
    container = container or build_container(settings)
    app = FastAPI(
        title="Cockpit IIZ Solothurn",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url=None,  # our own page, vendored (app/entrypoints/api/api_docs.py)
        redoc_url=None,
        openapi_url="/api/openapi.json" if settings.api_docs_active else None,
        lifespan=_running,
    )
    app.state.container = container
    watch_database(container.engine)
    # Built now, so a configuration production refuses stops the start, not the first request.
    app.state.identity = container.identity
    app.state.audit_ledger = container.audit_ledger
    install_problem_handlers(app)
    app.add_exception_handler(ClientClosedRequest, nobody_to_answer)
    install_middleware(app)
    # Built once per process (route_table.py): the body limit is set per route there rather than
    # around the whole app, as a limit around the app replaces every 413 (ours are problem+json in
    # German) by the framework's plain-text one.
    app.router.routes.extend(service_routes(settings.api_docs_active))
    install_web(app)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


@asynccontextmanager
async def _running(app: FastAPI) -> AsyncIterator[None]:
    """While the service runs: its request threads sized, audit events sealed in the background (not in
    tests: they seal on demand)."""
    settings: Settings = app.state.container.settings
    # The limiter belongs to the running event loop, so it is sized here rather than at import.
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
    freeze_startup_objects(settings)
    sequencer = None
    if settings.audit_background_sealing and settings.environment is not Environment.TEST:
        sequencer = sequencer_for(app.state.container)
        sequencer.start()
    try:
        yield
    finally:
        if sequencer is not None:
            sequencer.stop()


def openapi_document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = problem_docs.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["Problem"] = problem_schema
        _validation_errors_are_problems(document)
        app.openapi_schema = document
    return app.openapi_schema


def _validation_errors_are_problems(document: dict[str, Any]) -> None:
    """FastAPI documents its own 422 body; ours is problem+json (see app/entrypoints/api/problems.py)."""
    problem = {
        "description": "Problem nach RFC 9457",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "422" in responses and "application/json" in responses["422"].get("content", {}):
                responses["422"] = problem
            for response in responses.values():
                if response.get("description") == "Successful Response":
                    response["description"] = "Erfolg"
    schemas = document["components"]["schemas"]
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
