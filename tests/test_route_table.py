"""The flat route table serves what FastAPI's include_router would: same paths, operations, limits,
and an app's dependency overrides still apply although the routes are shared by every app."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.entrypoints.api import api_docs, health, metrics, oauth, problem_docs
from app.entrypoints.api import v1 as api_v1
from app.entrypoints.api.app import create_app, openapi_document
from app.entrypoints.api.middleware import STREAMED_BODY_BACKSTOP
from app.entrypoints.api.route_table import service_routes, web_routers
from app.entrypoints.api.v1.documents import UPLOAD_BACKSTOP
from app.entrypoints.web import install_web
from app.settings import Environment, Settings


def _included_the_framework_way() -> FastAPI:
    """The app as `include_router` builds it: what the flat table must equal."""
    app = FastAPI(title="Cockpit IIZ Solothurn", version="1.0.0")
    app.router.max_body_size = STREAMED_BODY_BACKSTOP
    template = api_v1.router  # everything including it adds, so that a new setting shows up here
    v1 = APIRouter(
        prefix=template.prefix,
        tags=template.tags,
        dependencies=template.dependencies,
        default_response_class=template.default_response_class,
        responses=template.responses,
        callbacks=template.callbacks,
        deprecated=template.deprecated,
        include_in_schema=template.include_in_schema,
        generate_unique_id_function=template.generate_unique_id_function,
    )
    for topic in api_v1.topics:
        v1.include_router(topic)
    for router in (health.router, metrics.router, problem_docs.router, v1, oauth.router, api_docs.router):
        app.include_router(router)
    for router in web_routers():
        app.include_router(router)
    install_web(app)
    return app


def _flat_app() -> FastAPI:
    app = FastAPI(title="Cockpit IIZ Solothurn", version="1.0.0")
    app.router.routes.extend(service_routes(api_docs_active=True))
    return app


def _example_path_params(route: APIRoute) -> dict[str, str]:
    return {name: str(uuid.UUID(int=7)) for name in re.findall(r"{(\w+)(?::\w+)?}", route.path)}


def test_the_api_description_is_the_one_include_router_gives() -> None:
    included, flat = _included_the_framework_way(), _flat_app()
    assert openapi_document(flat) == openapi_document(included)


def test_every_route_name_leads_where_include_router_leads_it() -> None:
    """A name may be an API operation's and a page's: both apps answer with the first route of that
    name, so the same path means the same routes in the same order."""
    included, flat = _included_the_framework_way(), _flat_app()
    routes = service_routes(api_docs_active=True)
    assert len(routes) > 150 and all(isinstance(route, APIRoute) for route in routes)
    for route in routes:
        params = _example_path_params(route)  # type: ignore[arg-type]
        assert included.url_path_for(route.name, **params) == flat.url_path_for(route.name, **params)  # type: ignore[attr-defined]


def test_every_route_carries_a_body_limit() -> None:
    upload = ("/api/v1/cases/{case_id}/documents", frozenset({"POST"}))
    limits = {
        (route.path, frozenset(route.methods)): route.max_body_size  # type: ignore[attr-defined]
        for route in service_routes(api_docs_active=True)
    }
    assert limits.pop(upload) == UPLOAD_BACKSTOP
    assert set(limits.values()) == {STREAMED_BODY_BACKSTOP}


def test_the_documentation_routes_only_where_the_documentation_is_served() -> None:
    docs = {route.path for route in api_docs.router.routes}  # type: ignore[attr-defined]
    served = {route.path for route in service_routes(api_docs_active=True)}  # type: ignore[attr-defined]
    hidden = {route.path for route in service_routes(api_docs_active=False)}  # type: ignore[attr-defined]
    assert docs <= served
    assert not docs & hidden


@pytest.mark.parametrize("overridden", [0, 1])
def test_each_app_applies_its_own_dependency_overrides(tmp_path: Any, overridden: int) -> None:
    """Two apps share the routes; an override set on one of them reaches only its own requests."""
    from app.entrypoints.api.deps import current_principal

    settings = Settings(environment=Environment.TEST, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    apps = [create_app(settings), create_app(settings)]

    def no_one() -> Any:
        raise AssertionError("overridden")

    apps[overridden].dependency_overrides[current_principal] = no_one
    for index, app in enumerate(apps):
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.get("/api/v1/persons/" + str(uuid.UUID(int=1)))
        # The override raises (500); the app without it refuses the missing credential (401).
        assert answer.status_code == (500 if index == overridden else 401)
