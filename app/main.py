"""Composition root: the one place that builds adapters from settings and wires the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

from app.adapters.audit_signing import load_signer
from app.adapters.crypto.factory import build_key_provider
from app.adapters.crypto.vault import Vault
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.audit_sequencer import SequencerThread
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.unit_of_work import SqlUnitOfWork
from app.adapters.events.outbox import OutboxingAuditRecorder
from app.adapters.legal_basis_file import rule_book_without
from app.entrypoints.api import health, metrics, oauth, problem_docs
from app.entrypoints.api import v1 as api_v1
from app.entrypoints.api.container import Container, SystemClock
from app.entrypoints.api.identity import build_identity
from app.entrypoints.api.middleware import STREAMED_BODY_BACKSTOP, install_middleware
from app.entrypoints.api.problems import install_problem_handlers
from app.entrypoints.web import install_web
from app.services.access_config import AccessConfig
from app.settings import Environment, Settings

API_VERSION = "1.0.0"
DESCRIPTION = """\
Datenaustauschplattform für die interinstitutionelle Zusammenarbeit (IIZ) im Kanton Solothurn:
ein gemeinsamer Fall pro Klient/in in der Durchgehenden Fallführung (DFF).

Fehler werden als `application/problem+json` (RFC 9457) in deutscher Sprache gemeldet.
Änderungen an bestehenden Ressourcen verlangen `If-Match` mit dem ETag der gelesenen Version.
"""


def build_audit_ledger(settings: Settings, engine: Engine) -> SqlAuditLedger:
    signer = load_signer(settings.audit_signing_key_file, create_if_missing=not settings.is_production)
    return SqlAuditLedger(engine, signer)


def build_container(settings: Settings) -> Container:
    engine = make_engine(settings.database_url, **pool_options(settings))
    session_factory = make_session_factory(engine)
    vault = Vault(build_key_provider(settings))
    return Container(
        settings=settings,
        engine=engine,
        uow_factory=lambda: SqlUnitOfWork(session_factory, audit_factory=OutboxingAuditRecorder, vault=vault),
        clock=SystemClock(),
        access=access_config(settings),
        vault=vault,
    )


def pool_options(settings: Settings) -> dict[str, int]:
    """Each process has its own pool; SQLite keeps SQLAlchemy's default."""
    if settings.database_url.startswith("sqlite"):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}


def access_config(settings: Settings) -> AccessConfig:
    return AccessConfig(
        rules=rule_book_without(settings.disabled_legal_rule_ids),
        consent_default_months=min(settings.consent_default_months, settings.consent_max_months),
        consent_max_months=settings.consent_max_months,
        break_glass_hours=settings.break_glass_hours,
        evidence_max_bytes=settings.consent_evidence_max_bytes,
    )


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    settings = settings or Settings()
    container = container or build_container(settings)
    app = FastAPI(
        title="Cockpit IIZ Solothurn",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        max_body_size=STREAMED_BODY_BACKSTOP,
        lifespan=_audit_sequencer,
    )
    app.state.container = container
    app.state.identity = build_identity(settings)
    app.state.audit_ledger = build_audit_ledger(settings, container.engine)
    install_problem_handlers(app)
    install_middleware(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(problem_docs.router)
    app.include_router(api_v1.router)
    app.include_router(oauth.router)
    install_web(app)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


@asynccontextmanager
async def _audit_sequencer(app: FastAPI) -> AsyncIterator[None]:
    """Seals audit events in the background while the service runs (not in tests: they seal on demand)."""
    settings: Settings = app.state.container.settings
    sequencer = None
    if settings.audit_background_sealing and settings.environment is not Environment.TEST:
        sequencer = SequencerThread(
            app.state.audit_ledger,
            settings.audit_seal_interval_seconds,
            settings.audit_checkpoint_interval_seconds,
        )
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
