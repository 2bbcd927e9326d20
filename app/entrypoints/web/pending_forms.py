"""The thin client's side of forms kept across a session timeout (app/services/identity/pending_forms.py):
the browser holds only a random token in a short-lived cookie; the typed text lies sealed on the server
and comes back once, on the page the form was on, for the user whose session ended."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from app.bootstrap import Container
from app.entrypoints.web import return_to
from app.services.identity.pending_forms import LIFETIME, keep_pending_form, redeem_pending_form

COOKIE = "cockpit_formular"
RESTORED = (
    "Ihre Sitzung war abgelaufen. Ihre Eingaben sind wieder eingesetzt, aber noch nicht gespeichert: "
    "bitte prüfen und speichern Sie sie."
)


async def keep(request: Request, response: Response, user_id: uuid.UUID, page: str) -> None:
    """Keep the typed text of a form posted after its session ended (for `user_id` only)."""
    container: Container = request.app.state.container
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    token = await run_in_threadpool(
        keep_pending_form,
        container.uow_factory(),
        user_id,
        page,
        request.url.path,
        fields,
        container.clock.now(),
    )
    if token is not None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(LIFETIME.total_seconds()),
            httponly=True,
            secure=container.settings.secure_cookies,
            samesite="lax",
            path="/",
        )


def restore(request: Request, container: Container, user_id: uuid.UUID) -> dict[str, Any]:
    """The template context that puts a kept form back on this page (empty if there is none).

    The first page a signed-in user sees after the login spends the token, whichever page it is."""
    token = request.cookies.get(COOKIE)
    if request.method != "GET" or not token:
        return {}
    form = redeem_pending_form(container.uow_factory(), token, user_id, container.clock.now())
    if form is None or form.page != return_to.page_to_return_to(request):
        return {"forget_pending_form": True}
    return {
        "forget_pending_form": True,
        "submitted": form.fields,
        "submitted_action": form.action,
        "notice": RESTORED,
    }


def forget(response: Response, container: Container) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, secure=container.settings.secure_cookies, samesite="lax"
    )
