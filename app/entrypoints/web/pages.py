"""Rendering pages and handling the session cookie of the thin client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from app.bootstrap import Container
from app.entrypoints.api.deps import session_cookie_name
from app.entrypoints.web.formats import FILTERS

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(FILTERS)

_NOT_TYPED = frozenset({"csrf_token", "version", "password", "code"})


def submitted_form(request: Request) -> dict[str, str] | None:
    """What the user typed into the form this POST came from (already parsed by the route)."""
    form = getattr(request, "_form", None)
    if request.method != "POST" or form is None:
        return None
    return {k: v for k, v in form.items() if isinstance(v, str) and k not in _NOT_TYPED}


@pass_context
def typed(ctx: Context, action: str, name: str, default: object = "") -> str:
    """The value to show in a field: what was typed into this form when it comes back with an error,
    otherwise the default. Only the form that was posted (its action is this request's path, or the
    `submitted_action` of a form restored after a login) keeps text."""
    request: Request | None = ctx.get("request")
    submitted = ctx.get("submitted")
    if request is None or not submitted or name not in submitted:
        return "" if default is None else str(default)
    if (ctx.get("submitted_action") or request.url.path) != action:
        return "" if default is None else str(default)
    return submitted[name]


@pass_context
def chosen(ctx: Context, action: str, name: str, value: object, default: object = None) -> str:
    """` selected` for the option the user chose (or the stored one on a fresh form)."""
    current = typed(ctx, action, name, "" if default is None else default)
    return " selected" if str(value) == current else ""


def api_docs_shown(request: Request) -> bool:
    """Whether this deployment serves the API documentation (a link to it must not lead to a 404)."""
    container = getattr(request.app.state, "container", None)
    return bool(container is not None and container.settings.api_docs_active)


templates.env.globals.update(typed=typed, chosen=chosen, api_docs_shown=api_docs_shown)

_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("submitted", submitted_form(request))
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers.update(_PAGE_HEADERS)
    return response


def redirect(location: str) -> RedirectResponse:
    response = RedirectResponse(location, status_code=303)
    response.headers.update(_PAGE_HEADERS)
    return response


def set_session_cookie(response: Response, container: Container, session_id: str) -> None:
    response.set_cookie(
        session_cookie_name(container.settings),
        session_id,
        httponly=True,
        secure=container.settings.secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, container: Container) -> None:
    response.delete_cookie(
        session_cookie_name(container.settings),
        path="/",
        httponly=True,
        secure=container.settings.secure_cookies,
        samesite="lax",
    )


def session_cookie(request: Request, container: Container) -> str | None:
    return request.cookies.get(session_cookie_name(container.settings))
