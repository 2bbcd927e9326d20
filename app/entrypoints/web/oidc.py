"""Login through the canton's identity provider (shown only when OIDC is configured)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.bootstrap import OIDC_CALLBACK_PATH
from app.domain.identity import SessionStage
from app.entrypoints.web.login import ContainerDep, IdentityDep, login_page, web_session_of
from app.entrypoints.web.pages import redirect, set_session_cookie
from app.services.identity.oidc_login import FAILED, begin_oidc_login, complete_oidc_login
from app.services.identity.sessions import start_anonymous_session

router = APIRouter(include_in_schema=False)


@router.get("/anmelden/oidc")
def oidc_begin(request: Request, container: ContainerDep, identity: IdentityDep) -> Response:
    if identity.oidc is None:
        return redirect("/anmelden")
    web_session = web_session_of(request, container, identity)
    session_id = None
    if web_session is None or web_session.stage is not SessionStage.ANONYMOUS:
        session_id, web_session = start_anonymous_session(container.uow_factory(), container.clock.now())
    login = begin_oidc_login(container.uow_factory(), web_session, container.clock.now())
    try:
        target = identity.oidc.authorization_url(login.state, login.nonce, login.code_verifier)
    except Exception:  # the provider is unreachable or misconfigured
        return login_page(request, container, FAILED, 502)
    response = redirect(target)
    if session_id:
        set_session_cookie(response, container, session_id)
    return response


@router.get(OIDC_CALLBACK_PATH)
def oidc_callback(request: Request, container: ContainerDep, identity: IdentityDep) -> Response:
    provider = identity.oidc
    web_session = web_session_of(request, container, identity)
    code = request.query_params.get("code", "")
    state = request.query_params.get("state", "")
    if provider is None or web_session is None:
        return login_page(request, container, FAILED, 400)
    now = container.clock.now()
    result = complete_oidc_login(
        container.uow_factory(),
        web_session,
        state,
        lambda login: provider.username_for(code, login.code_verifier, login.nonce, now),
        now=now,
        correlation_id=request.state.correlation_id,
    )
    if result.session_id is None:
        return login_page(request, container, result.message, 401)
    response = redirect("/start")
    set_session_cookie(response, container, result.session_id)
    return response
