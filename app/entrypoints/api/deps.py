"""FastAPI dependencies: the unit of work, the acting principal, the request context."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request

from app.bootstrap import Container, Identity
from app.demo.directory import is_seeded_demo_user
from app.domain.cases.versions import VersionTag
from app.domain.errors import StaleVersion
from app.domain.principal import Principal
from app.entrypoints.api.problems import ProblemError
from app.services.context import RequestContext
from app.services.identity.sessions import signed_in
from app.services.identity.tokens import principal_from_access_token
from app.services.ports import UnitOfWork
from app.settings import Environment, Settings

DEV_USER_HEADER = "X-Cockpit-Dev-User"


# Dependencies that neither block nor wait are `async def`: FastAPI runs a plain `def` dependency in
# the thread pool, and every such hop costs a thread hand-off per request.


def container_of(request: Request) -> Container:
    return request.app.state.container


async def get_container(request: Request) -> Container:
    return container_of(request)


async def get_uow(container: Annotated[Container, Depends(get_container)]) -> UnitOfWork:
    return container.uow_factory()  # only builds the object; its session opens in the use case


async def get_identity(container: Annotated[Container, Depends(get_container)]) -> Identity:
    return container.identity  # built once per container, at start-up (see create_app)


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
            container.principal_directory,
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
    username = request.headers.get(DEV_USER_HEADER)
    if username is not None:
        return _dev_principal(container, username)
    raise _unauthenticated(NO_CREDENTIAL)


NO_CREDENTIAL = "Anmeldung erforderlich (Bearer-Zugriffstoken oder Sitzung)."


def require_a_credential(request: Request, settings: Settings) -> None:
    """Without the database or a thread: a request that names no credential at all (no Authorization
    header, no session cookie, no dev header) gets the 401 `current_principal` would give it."""
    named = (
        request.headers.get("Authorization"),
        request.cookies.get(session_cookie_name(settings)),
        request.headers.get(DEV_USER_HEADER),
    )
    if all(credential is None for credential in named):
        raise _unauthenticated(NO_CREDENTIAL)


def _dev_principal(container: Container, username: str) -> Principal:
    """The X-Cockpit-Dev-User header: test takes any user of its fixtures, dev only the seeded demo
    users, production never (it is refused, not ignored, so a misconfigured proxy shows at once)."""
    settings = container.settings
    if not settings.dev_principal_active:
        raise _unauthenticated(f"Der Header {DEV_USER_HEADER} gilt nur in Entwicklung und Test.")
    with container.uow_factory() as uow:
        user = uow.users.by_username(username)
    if user is None or not user.active:
        raise _unauthenticated("Unbekannter oder gesperrter Benutzer.")
    if settings.environment is Environment.DEV and not is_seeded_demo_user(user.id, user.username):
        raise _unauthenticated(f"{DEV_USER_HEADER} nennt in der Entwicklung nur die Demobenutzer.")
    return user.as_principal()


def _session_principal(
    request: Request, container: Container, identity: Identity, cookie: str, now: datetime
) -> Principal:
    policy = identity.login_policy()
    found = signed_in(container.uow_factory(), cookie, now, policy.idle, policy.absolute)
    if found is None:
        raise _unauthenticated("Die Sitzung ist abgelaufen oder ungültig. Bitte neu anmelden.")
    web_session, user = found
    if request.method not in _SAFE_METHODS:
        supplied = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(supplied.encode(), web_session.csrf_token.encode()):
            raise ProblemError("forbidden", "Sicherheitstoken (X-CSRF-Token) fehlt oder ist falsch.")
    return user.as_principal()


async def request_context(
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
    """The version named in If-Match (a person's or a consent's); None for `*` or (where optional)
    no header."""
    tag = _if_match_tag(if_match, required=required)
    if tag is None:
        return None
    if tag.startswith("W/") or not (tag.startswith('"') and tag.endswith('"')):
        raise StaleVersion()  # weak or malformed tags never match strongly
    try:
        return int(tag[1:-1])
    except ValueError:
        raise StaleVersion() from None


def expected_tag(if_match: str | None, *, required: bool) -> VersionTag | None:
    """The case ETag named in If-Match; None for `*` or (where optional) no header."""
    tag = _if_match_tag(if_match, required=required)
    return None if tag is None else VersionTag.parse(tag)


def _if_match_tag(if_match: str | None, *, required: bool) -> str | None:
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
    return tag
