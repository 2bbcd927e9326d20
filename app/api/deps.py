"""FastAPI dependencies: the unit of work, the acting principal, the request context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.api.container import Container
from app.api.problems import ProblemError
from app.domain.errors import StaleVersion
from app.domain.principal import Principal
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

DEV_USER_HEADER = "X-Cockpit-Dev-User"


def get_container(request: Request) -> Container:
    return request.app.state.container


def get_uow(container: Annotated[Container, Depends(get_container)]) -> UnitOfWork:
    return container.uow_factory()


def current_principal(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    uow: Annotated[UnitOfWork, Depends(get_uow)],
) -> Principal:
    """Until real authentication arrives: a demo user named in a header, in dev and test only."""
    settings = container.settings
    if not settings.dev_principal_enabled or settings.is_production:
        raise ProblemError("unauthenticated", "Keine Authentifizierung konfiguriert.")
    username = request.headers.get(DEV_USER_HEADER) or settings.dev_default_user
    with uow:
        user = uow.users.by_username(username)
    if user is None or not user.active:
        raise ProblemError("unauthenticated", "Unbekannter oder gesperrter Benutzer.")
    return user.as_principal()


def request_context(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    container: Annotated[Container, Depends(get_container)],
) -> RequestContext:
    return RequestContext(
        principal, request.state.correlation_id, container.clock.now(), access=container.access
    )


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
