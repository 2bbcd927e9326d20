"""Who acts when an operator runs a command: the operating-system user and host, as an administrator.

The CLI reaches the same use cases as the admin API; their audit events name `cli:<user>@<host>`
as the actor, so a change made on the server's console is as traceable as one made over the API.
"""

from __future__ import annotations

import getpass
import socket
import uuid
from datetime import UTC, datetime

from app.domain.principal import Principal, PrincipalKind, Role
from app.services.context import RequestContext

_NAMESPACE = uuid.UUID("6f1d1a3e-2d55-4d0b-9a59-0c6b9e0f7c20")
NO_INSTITUTION = uuid.UUID(int=0)


def operator_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unbekannt"
    return f"cli:{user}@{socket.gethostname()}"


def operator_context(purpose: str = "Betrieb") -> RequestContext:
    name = operator_name()
    principal = Principal(
        uuid.uuid5(_NAMESPACE, name), PrincipalKind.USER, name, NO_INSTITUTION, frozenset({Role.ADMIN})
    )
    return RequestContext(principal, f"cli-{uuid.uuid4().hex}", datetime.now(UTC), purpose=purpose)
