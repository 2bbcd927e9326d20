"""Thin client: server-rendered German pages (Jinja2) on the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response


def install_web(app: FastAPI) -> None:
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
        pending_forms,
        phase_pages,
        plan_pages,
        plan_print,
        process_pages,
        record_pages,
        referral_pages,
        return_to,
        search_pages,
        start_pages,
        static_files,
        supervisor_pages,
        team_pages,
    )
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
    app.include_router(static_files.router)
    app.include_router(login.router)
    app.include_router(oidc.router)
    app.include_router(search_pages.router)
    app.include_router(start_pages.router)
    app.include_router(case_pages.router)
    app.include_router(figures_pages.router)
    app.include_router(case_facts_pages.router)
    app.include_router(consent_pages.router)
    app.include_router(supervisor_pages.router)
    app.include_router(record_pages.router)
    app.include_router(plan_print.router)
    app.include_router(plan_pages.router)
    app.include_router(assessment_pages.router)
    app.include_router(team_pages.router)
    app.include_router(phase_pages.router)
    app.include_router(document_pages.router)
    app.include_router(process_pages.router)
    app.include_router(referral_pages.router)
    app.include_router(dpo_pages.router)
