"""Rendering pages and handling the session cookie of the thin client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from app.bootstrap import Container
from app.entrypoints.api.deps import session_cookie_name
from app.entrypoints.web.formats import FILTERS

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(FILTERS)

_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
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
