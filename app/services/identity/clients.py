"""Registering, listing and disabling the institutions' system clients (operator CLI)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.identity import ClientAuthMethod, SystemClient
from app.services.errors import NotFound, ServiceError
from app.services.identity.ports import IdentityUnitOfWork
from app.services.identity.tokens import DEV_TOKEN_CLIENT

_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True)
class NewClient:
    client: SystemClient
    secret: str | None  # shown once, never stored


def create_client(
    uow: IdentityUnitOfWork,
    *,
    client_id: str,
    institution_code: str,
    auth_method: ClientAuthMethod,
    now: datetime,
    secret: str | None = None,
    secret_hash: str | None = None,
    jwks: dict[str, Any] | None = None,
) -> NewClient:
    """Operator only. A secret method needs `secret_hash` (of `secret`); private_key_jwt needs `jwks`."""
    if not _CLIENT_ID.match(client_id) or client_id == DEV_TOKEN_CLIENT:
        raise ServiceError(
            "Client-ID: 3–64 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich."
        )
    if auth_method.uses_secret and not secret_hash:
        raise ServiceError("Für diese Methode braucht es ein Secret.")
    if not auth_method.uses_secret and not (jwks and jwks.get("keys")):
        raise ServiceError("Für private_key_jwt braucht es öffentliche Schlüssel (JWKS).")
    with uow:
        institution = uow.institutions.by_code(institution_code)
        if institution is None:
            raise NotFound("Unbekannte Stelle.")
        if uow.identity.client(client_id) is not None:
            raise ServiceError("Diese Client-ID ist bereits vergeben.")
        client = SystemClient(
            id=uuid.uuid4(),
            client_id=client_id,
            institution_id=institution.id,
            auth_method=auth_method,
            created_at=now,
            secret_hash=secret_hash if auth_method.uses_secret else None,
            jwks=None if auth_method.uses_secret else jwks,
        )
        uow.identity.save_client(client)
    return NewClient(client, secret)


def list_clients(uow: IdentityUnitOfWork) -> list[SystemClient]:
    with uow:
        return uow.identity.clients()


def disable_client(uow: IdentityUnitOfWork, client_id: str, now: datetime) -> SystemClient:
    """Takes effect on the client's very next request: tokens already issued stop working too."""
    with uow:
        client = uow.identity.client(client_id)
        if client is None:
            raise NotFound("Unbekannte Client-ID.")
        disabled = client.disabled(now)
        uow.identity.save_client(disabled)
    return disabled
