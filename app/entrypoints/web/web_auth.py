"""The signed-in user of a thin-client page: session, principal and request context.

Pages of the thin client call the same use cases as the API with the same RequestContext; a POST is
accepted only with the CSRF token of the session (synchronizer token in a hidden form field).
"""

from __future__ import annotations

import hmac
import uuid
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
from app.services.identity.sessions import Lapsed, signed_in_or_lapsed


class LoginRequired(Exception):
    """No authenticated session: the page sends the browser to the login form. `lapsed_user_id` names
    the user whose session has just timed out (a form they posted is kept for them)."""

    def __init__(self, lapsed_user_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.lapsed_user_id = lapsed_user_id


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
    found = signed_in_or_lapsed(
        container.uow_factory(),
        session_cookie(request, container),
        container.clock.now(),
        identity.login_policy().idle,
        identity.login_policy().absolute,
    )
    if isinstance(found, Lapsed):
        raise LoginRequired(found.user_id)
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
