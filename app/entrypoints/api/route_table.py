"""Every route of the service, built once per process with its full path and shared by each app.

FastAPI 0.165 includes a router lazily and per app: the first request an app routes into an included
router builds the dependant and the response fields of every route in it (0.2–0.7 s for the thin
client's pages), and every request walks the included routers, asking each for the version of its
routes (58 calls per case read). Every test builds an app of its own, so this was some 40 % of the
CPU of the tests that use the API or the pages; a served process paid the walk on every request.
Here each route is built once, with the prefix, the responses and the body limit that
`include_router` would have given it (tests/test_route_table.py holds the two side by side), and
`create_app` lists them directly: a request is matched against one flat list.

The routes belong to no app, so an app's `dependency_overrides` (the tests' one seam for acting as a
principal) are looked up through the app serving the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.entrypoints.api import api_docs, health, metrics, oauth, problem_docs
from app.entrypoints.api import v1 as api_v1
from app.entrypoints.api.middleware import STREAMED_BODY_BACKSTOP, serving_app


class _OverridesOfTheServingApp:
    """Every shared route's `dependency_overrides_provider`."""

    @property
    def dependency_overrides(self) -> dict[Any, Any]:
        app = serving_app.get()
        return app.dependency_overrides if app is not None else {}


_OVERRIDES = _OverridesOfTheServingApp()


_NOTHING_ADDED = APIRouter()  # what the app adds when it includes a router: no prefix, no responses


def _flat(route: APIRoute, under: APIRouter = _NOTHING_ADDED) -> APIRoute:
    """`route` as it is served when its router is included `under` another (the includer's prefix
    before its path, the includer's tags and responses before its own) and the app's body limit
    applies where the route sets none."""
    return APIRoute(
        under.prefix + route.path,
        route.endpoint,
        response_model=route.response_model,
        status_code=route.status_code,
        tags=[*under.tags, *route.tags],
        dependencies=[*under.dependencies, *route.dependencies],
        summary=route.summary,
        description=route.description,
        response_description=route.response_description,
        responses={**under.responses, **route.responses},
        deprecated=route.deprecated or under.deprecated,
        name=route.name,
        methods=route.methods,
        operation_id=route.operation_id,
        response_model_include=route.response_model_include,
        response_model_exclude=route.response_model_exclude,
        response_model_by_alias=route.response_model_by_alias,
        response_model_exclude_unset=route.response_model_exclude_unset,
        response_model_exclude_defaults=route.response_model_exclude_defaults,
        response_model_exclude_none=route.response_model_exclude_none,
        include_in_schema=route.include_in_schema and under.include_in_schema,
        response_class=route.response_class,
        dependency_overrides_provider=_OVERRIDES,
        callbacks=[*under.callbacks, *(route.callbacks or [])],
        openapi_extra=route.openapi_extra,
        generate_unique_id_function=route.generate_unique_id_function,
        strict_content_type=route.strict_content_type,
        max_body_size=STREAMED_BODY_BACKSTOP if route.max_body_size is None else route.max_body_size,
        form_limits=route.form_limits,
    )


def _flat_routes(routers: Iterable[APIRouter], under: APIRouter = _NOTHING_ADDED) -> list[APIRoute]:
    return [_flat(route, under) for router in routers for route in _api_routes_of(router)]


def _api_routes_of(router: APIRouter) -> list[APIRoute]:
    """A router's routes; any other kind (a mount, an included router) would need its own flattening
    and is refused rather than left out."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r}: the route table takes only APIRoutes")
    return list(router.routes)  # type: ignore[arg-type]


def web_routers() -> tuple[APIRouter, ...]:
    from app.entrypoints.web import (
        assessment_pages,
        case_facts_pages,
        case_pages,
        consent_pages,
        document_pages,
        dpo_pages,
        figures_pages,
        login,
        oidc,
        phase_pages,
        plan_pages,
        plan_print,
        process_pages,
        record_pages,
        referral_pages,
        search_pages,
        start_pages,
        static_files,
        supervisor_pages,
        team_pages,
    )

    return tuple(
        module.router
        for module in (
            static_files,
            login,
            oidc,
            search_pages,
            start_pages,
            case_pages,
            figures_pages,
            case_facts_pages,
            consent_pages,
            supervisor_pages,
            record_pages,
            plan_print,
            plan_pages,
            assessment_pages,
            team_pages,
            phase_pages,
            document_pages,
            process_pages,
            referral_pages,
            dpo_pages,
        )
    )


@cache
def service_routes(api_docs_active: bool) -> tuple[BaseRoute, ...]:
    """The service's routes in the order a request is matched against them: the API, its
    documentation where it is served, the thin client."""
    docs = (api_docs.router,) if api_docs_active else ()
    return (
        *_flat_routes((health.router, metrics.router, problem_docs.router)),
        *_flat_routes(api_v1.topics, api_v1.router),
        *_flat_routes((oauth.router, *docs)),
        *_flat_routes(web_routers()),
    )
