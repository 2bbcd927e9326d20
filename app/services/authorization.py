"""Use cases check the permission table here, before touching any data."""

from __future__ import annotations

from app.domain.permissions import Permission, permits
from app.domain.principal import Principal
from app.services.errors import Forbidden


def require(principal: Principal, permission: Permission) -> None:
    if not permits(principal, permission):
        raise Forbidden()
