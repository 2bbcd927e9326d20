"""FastAPI dependencies: the unit of work, the acting principal, the request context."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request

from app.bootstrap import Container, Identity
from app.domain.errors import StaleVersion
from app.domain.principal import Principal
from app.entrypoints.api.problems import ProblemError
from app.services.context import RequestContext
from app.services.identity.sessions import signed_in
from app.services.identity.tokens import principal_from_access_token
from app.services.ports import UnitOfWork
from app.settings import Settings

DEV_USER_HEADER = "X-Cockpit-Dev-User"


def get_container(request: Request) -> Container:
    return request.app.state.container


def get_uow(container: Annotated[Container, Depends(get_container)]) -> UnitOfWork:
    return container.uow_factory()


def get_identity(container: Annotated[Container, Depends(get_container)]) -> Identity:
    return container.identity


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes the browser insist on Secure, path / and no Domain attribute.
    return "__Host-cockpit-session" if settings.secure_cookies else "cockpit-session"


CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _unauthenticated(detail: str, error: str | None = None) -> ProblemError:
    challenge = 'Bearer realm="cockpit"' + (f', error="{error}"' if error else "")
    return ProblemError("unauthenticated", detail, headers={"WWW-Authenticate": challenge})


def current_principal(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    identity: Annotated[Identity, Depends(get_identity)],
) -> Principal:
    """The caller: a Bearer access token, else the thin client's session cookie, else (dev and test
    only, when enabled) the demo user named in the X-Cockpit-Dev-User header."""
    settings = container.settings
    now = container.clock.now()
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("Erwartet wird ein Bearer-Zugriffstoken.", "invalid_request")
        principal = principal_from_access_token(
            container.uow_factory(),
            identity.codec,
            token.strip(),
            now,
            allow_user_tokens=identity.allow_dev_user_tokens,
        )
        if principal is None:
            raise _unauthenticated("Das Zugriffstoken ist ungültig oder abgelaufen.", "invalid_token")
        return principal
    cookie = request.cookies.get(session_cookie_name(settings))
    if cookie is not None:
        return _session_principal(request, container, identity, cookie, now)
    if settings.dev_principal_enabled and not settings.is_production:
        username = request.headers.get(DEV_USER_HEADER) or settings.dev_default_user
        with container.uow_factory() as uow:
            user = uow.users.by_username(username)
        if user is None or not user.active:
            raise _unauthenticated("Unbekannter oder gesperrter Benutzer.")
        return user.as_principal()
    raise _unauthenticated("Anmeldung erforderlich (Bearer-Zugriffstoken oder Sitzung).")


def _session_principal(
    request: Request, container: Container, identity: Identity, cookie: str, now: datetime
) -> Principal:
    found = signed_in(container.uow_factory(), cookie, now, identity.login_policy().idle)
    if found is None:
        raise _unauthenticated("Die Sitzung ist abgelaufen oder ungültig. Bitte neu anmelden.")
    web_session, user = found
    if request.method not in _SAFE_METHODS:
        supplied = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(supplied.encode(), web_session.csrf_token.encode()):
            raise ProblemError("forbidden", "Sicherheitstoken (X-CSRF-Token) fehlt oder ist falsch.")
    return user.as_principal()


def request_context(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    container: Annotated[Container, Depends(get_container)],
) -> RequestContext:
    return container.context_for(principal, request.state.correlation_id)


Uow = Annotated[UnitOfWork, Depends(get_uow)]
Context = Annotated[RequestContext, Depends(request_context)]
IfMatchHeader = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag der Version, auf der die Änderung beruht."),
]


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, *, required: bool) -> int | None:
    """The version named in If-Match; None for `*` or (where optional) no header."""
    if if_match is None or not if_match.strip():
        if required:
            raise ProblemError(
                "precondition-required", "Änderungen verlangen den Header If-Match mit dem ETag."
            )
        return None
    tag = if_match.split(",")[0].strip()
    if tag == "*":
        if required:  # "*" would skip the very check the header is required for
            raise ProblemError(
                "precondition-required", "If-Match braucht hier das ETag der gelesenen Version."
            )
        return None
    if tag.startswith("W/") or not (tag.startswith('"') and tag.endswith('"')):
        raise StaleVersion()  # weak or malformed tags never match strongly
    try:
        return int(tag[1:-1])
    except ValueError:
        raise StaleVersion() from None
