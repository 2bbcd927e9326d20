"""The signed-in user of a thin-client page: session, principal and request context.

Pages of the thin client call the same use cases as the API with the same RequestContext; a POST is
accepted only with the CSRF token of the session (synchronizer token in a hidden form field).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.bootstrap import Container, Identity
from app.domain.identity import WebSession
from app.domain.permissions import Permission, permits
from app.domain.users import User
from app.entrypoints.api.deps import get_container, get_identity
from app.entrypoints.web.pages import session_cookie
from app.services.context import RequestContext
from app.services.identity.sessions import signed_in


class LoginRequired(Exception):
    """No authenticated session: the page sends the browser to the login form."""


class CsrfFailed(Exception):
    """A form arrived without the session's CSRF token; nothing was changed."""


@dataclass(frozen=True)
class WebUser:
    session: WebSession
    user: User
    ctx: RequestContext
    container: Container

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    def may(self, permission: Permission) -> bool:
        return permits(self.ctx.principal, permission)

    def check_csrf(self, token: str) -> None:
        if not hmac.compare_digest(self.session.csrf_token.encode(), token.encode()):
            raise CsrfFailed()


def current_web_user(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    identity: Annotated[Identity, Depends(get_identity)],
) -> WebUser:
    found = signed_in(
        container.uow_factory(),
        session_cookie(request, container),
        container.clock.now(),
        identity.login_policy().idle,
    )
    if found is None:
        raise LoginRequired()
    web_session, user = found
    ctx = container.context_for(user.as_principal(), request.state.correlation_id)
    return WebUser(web_session, user, ctx, container)


SignedIn = Annotated[WebUser, Depends(current_web_user)]


async def form_of_signed_in_user(request: Request, web: SignedIn) -> WebUser:
    """The one CSRF check of the thin client: every POST form of a signed-in user carries the
    session's token in the field `csrf_token`; without it the handler never runs and nothing changes."""
    form = await request.form()  # parsed once; the handler's Form fields read the same parse
    token = form.get("csrf_token")
    web.check_csrf(token if isinstance(token, str) else "")
    return web


SignedInForm = Annotated[WebUser, Depends(form_of_signed_in_user)]
