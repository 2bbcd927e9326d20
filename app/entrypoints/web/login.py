"""Login, second factor, logout and the landing page of the thin client.

Every form carries the CSRF token of its session (synchronizer token); a POST without the matching
token changes nothing. The session id changes at every step up in privilege.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.bootstrap import Container, Identity
from app.domain.identity import SessionStage, WebSession
from app.entrypoints.api.deps import get_container, get_identity
from app.entrypoints.web.pages import clear_session_cookie, page, redirect, session_cookie, set_session_cookie
from app.services.identity.login import logout, password_login, second_factor_login
from app.services.identity.sessions import current_session, start_anonymous_session

router = APIRouter(include_in_schema=False)
ContainerDep = Annotated[Container, Depends(get_container)]
IdentityDep = Annotated[Identity, Depends(get_identity)]
CSRF_FAILED = "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen. Bitte laden Sie die Seite neu."
SESSION_ENDED = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an."


def web_session_of(request: Request, container: Container, identity: Identity) -> WebSession | None:
    return current_session(
        container.uow_factory(),
        session_cookie(request, container),
        container.clock.now(),
        identity.login_policy().idle,
    )


def _csrf_ok(web_session: WebSession | None, token: str) -> bool:
    return web_session is not None and hmac.compare_digest(web_session.csrf_token.encode(), token.encode())


def login_page(
    request: Request,
    container: Container,
    message: str | None = None,
    status: int = 200,
    web_session: WebSession | None = None,
) -> Response:
    """The login form on an anonymous session (a new one unless one is given)."""
    session_id = None
    if web_session is None or web_session.stage is not SessionStage.ANONYMOUS:
        session_id, web_session = start_anonymous_session(container.uow_factory(), container.clock.now())
    oidc = request.app.state.identity.oidc is not None
    response = page(
        request, "login.html", status, csrf_token=web_session.csrf_token, message=message, oidc=oidc
    )
    if session_id:
        set_session_cookie(response, container, session_id)
    return response


@router.get("/")
def home(request: Request, container: ContainerDep, identity: IdentityDep) -> RedirectResponse:
    web_session = web_session_of(request, container, identity)
    authenticated = web_session is not None and web_session.stage is SessionStage.AUTHENTICATED
    return redirect("/start" if authenticated else "/anmelden")


@router.get("/anmelden")
def login_form(request: Request, container: ContainerDep, identity: IdentityDep) -> Response:
    had_cookie = session_cookie(request, container) is not None
    web_session = web_session_of(request, container, identity)
    if web_session is not None and web_session.stage is SessionStage.AUTHENTICATED:
        return redirect("/start")
    message = SESSION_ENDED if had_cookie and web_session is None else None
    if request.query_params.get("abgemeldet") is not None:
        message = "Sie sind abgemeldet."
    return login_page(request, container, message, web_session=web_session)


@router.post("/anmelden")
def login_submit(
    request: Request,
    container: ContainerDep,
    identity: IdentityDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web_session = web_session_of(request, container, identity)
    if web_session is None or not _csrf_ok(web_session, csrf_token):
        return login_page(request, container, CSRF_FAILED, 403)
    result = password_login(
        container.uow_factory(),
        identity.hasher,
        identity.login_policy(),
        web_session,
        username=username,
        password=password,
        client_address=request.client.host if request.client else "-",
        now=container.clock.now(),
        correlation_id=request.state.correlation_id,
    )
    if result.session_id is None:
        status = 429 if result.locked else 401
        return login_page(request, container, result.message, status, web_session=web_session)
    target = "/start" if result.stage is SessionStage.AUTHENTICATED else "/anmelden/code"
    response = redirect(target)
    set_session_cookie(response, container, result.session_id)
    return response


@router.get("/anmelden/code")
def code_form(request: Request, container: ContainerDep, identity: IdentityDep) -> Response:
    web_session = web_session_of(request, container, identity)
    if web_session is None or web_session.stage is not SessionStage.SECOND_FACTOR:
        return redirect("/anmelden")
    return page(request, "code.html", csrf_token=web_session.csrf_token, message=None)


@router.post("/anmelden/code")
def code_submit(
    request: Request,
    container: ContainerDep,
    identity: IdentityDep,
    code: Annotated[str, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web_session = web_session_of(request, container, identity)
    if web_session is None or web_session.stage is not SessionStage.SECOND_FACTOR:
        return login_page(request, container, SESSION_ENDED, 401)
    if not _csrf_ok(web_session, csrf_token):
        return page(request, "code.html", 403, csrf_token=web_session.csrf_token, message=CSRF_FAILED)
    result = second_factor_login(
        container.uow_factory(),
        identity.login_policy(),
        web_session,
        code=code,
        now=container.clock.now(),
        correlation_id=request.state.correlation_id,
    )
    if result.stage is SessionStage.ANONYMOUS:
        return login_page(request, container, result.message, 429)
    if result.session_id is None:
        return page(request, "code.html", 401, csrf_token=web_session.csrf_token, message=result.message)
    response = redirect("/start")
    set_session_cookie(response, container, result.session_id)
    return response


@router.post("/abmelden")
def logout_submit(
    request: Request,
    container: ContainerDep,
    identity: IdentityDep,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web_session = web_session_of(request, container, identity)
    if web_session is None:
        return redirect("/anmelden")
    if not _csrf_ok(web_session, csrf_token):
        return redirect("/start")
    logout(
        container.uow_factory(),
        web_session,
        now=container.clock.now(),
        correlation_id=request.state.correlation_id,
    )
    response = redirect("/anmelden?abgemeldet")
    clear_session_cookie(response, container)
    return response


@router.get("/start", response_class=HTMLResponse)
def start(request: Request, container: ContainerDep, identity: IdentityDep) -> Response:
    from app.entrypoints.web.render import show
    from app.entrypoints.web.web_auth import LoginRequired, current_web_user

    try:
        web = current_web_user(request, container, identity)
    except LoginRequired:
        return redirect("/anmelden")
    return show(request, web, "start.html", user=web.user)
