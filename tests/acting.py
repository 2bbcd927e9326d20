"""The one seam through which tests act as a principal: the FastAPI dependency `current_principal`.

Users and system clients alike are installed as an override of `current_principal`, so tests do
not depend on how authentication works; when tokens arrive, only this module changes.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from app.domain.principal import Principal, PrincipalKind
from app.domain.users import User
from app.entrypoints.api.deps import current_principal


def system_client(institution_id: uuid.UUID, name: str = "system") -> Principal:
    """An institution's software (OAuth2 client credentials once identity lands)."""
    return Principal(uuid.uuid4(), PrincipalKind.SYSTEM, name, institution_id)


def user_principal(user: User) -> Principal:
    return user.as_principal()


def request_as(client: TestClient, principal: Principal, method: str, url: str, **options: Any) -> Any:
    """Send one request with `principal` as the authenticated caller."""
    overrides = client.app.dependency_overrides  # type: ignore[attr-defined]
    overrides[current_principal] = lambda: principal
    try:
        return client.request(method, url, **options)
    finally:
        overrides.pop(current_principal, None)
