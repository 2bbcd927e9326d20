"""Thin client: server-rendered German pages (Jinja2) on the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response


def install_web(app: FastAPI) -> None:
    """The thin client's answers to a lapsed login and a failed CSRF check (its pages are among the
    service's routes, app/entrypoints/api/route_table.py)."""
    from app.entrypoints.web import login, pending_forms, return_to
    from app.entrypoints.web.pages import page, redirect
    from app.entrypoints.web.web_auth import CsrfFailed, LoginRequired

    async def to_login(request: Request, exc: Exception) -> Response:
        response = redirect("/anmelden")
        secure = request.app.state.container.settings.secure_cookies
        page_before = return_to.page_to_return_to(request)
        return_to.remember(response, page_before, secure)
        lapsed_user_id = getattr(exc, "lapsed_user_id", None)
        if request.method == "POST" and lapsed_user_id is not None and page_before is not None:
            await pending_forms.keep(request, response, lapsed_user_id, page_before)
        return response

    async def csrf_failed(request: Request, _exc: Exception) -> HTMLResponse:
        return page(request, "refused.html", 403, message=login.CSRF_FAILED)

    app.add_exception_handler(LoginRequired, to_login)
    app.add_exception_handler(CsrfFailed, csrf_failed)
