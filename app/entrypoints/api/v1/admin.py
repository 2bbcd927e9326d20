"""Administration (administrators only): users and roles, system clients and their keys, webhook
subscriptions. Every change is audited with the acting administrator; secrets are shown once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field

from app.bootstrap import Container
from app.bootstrap.operator import SecretTools, TargetRefused, check_url, target_policy
from app.domain.identity import ClientAuthMethod, SystemClient, WebhookSubscription
from app.domain.principal import Role
from app.domain.users import User
from app.entrypoints.api.deps import Context, Uow, get_container
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Command, NotNull, Out, Reference, ShortText
from app.services.identity import administration as service

router = APIRouter(prefix="/admin", tags=["Administration"], responses=problems(403))
ContainerDep = Annotated[Container, Depends(get_container)]


def _uow(uow: Uow) -> service.AdministrationUnitOfWork:
    return uow


# -- users ---------------------------------------------------------------------------------------------


class UserOut(Out):
    id: uuid.UUID
    username: str
    display_name: str
    institution_id: uuid.UUID
    roles: list[Role]
    active: bool


class UserListOut(Out):
    items: list[UserOut]


class NewUserIn(Command):
    username: Reference
    display_name: ShortText
    institution_code: Reference
    roles: list[Role] = Field(min_length=1, max_length=4)


class UserChangeIn(Command):
    roles: Annotated[list[Role] | None, NotNull] = Field(default=None, min_length=1, max_length=4)
    active: Annotated[bool | None, NotNull] = None


def _user(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        institution_id=user.institution_id,
        roles=sorted(user.roles),
        active=user.active,
    )


@router.get("/users", response_model=UserListOut)
def users(uow: Uow, ctx: Context) -> JSONResponse:
    """Alle Benutzerkonten."""
    return json_response(UserListOut(items=[_user(u) for u in service.list_users(_uow(uow), ctx)]))


@router.post("/users", response_model=UserOut, status_code=201, responses=problems(422))
def create_user(body: NewUserIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Ein Benutzerkonto anlegen (Passwort und zweiter Faktor setzt der Betrieb über die CLI)."""
    user = service.create_user(
        _uow(uow),
        ctx,
        username=body.username,
        display_name=body.display_name,
        institution_code=body.institution_code,
        roles=frozenset(body.roles),
    )
    return json_response(_user(user), 201)


@router.patch("/users/{username}", response_model=UserOut, responses=problems(404, 422))
def change_user(username: str, body: UserChangeIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Rollen ändern, ein Konto sperren oder wieder freigeben (Sperren beendet seine Sitzungen)."""
    roles = frozenset(body.roles) if body.roles is not None else None
    return json_response(
        _user(service.change_user(_uow(uow), ctx, username, roles=roles, active=body.active))
    )


# -- system clients ------------------------------------------------------------------------------------


class ClientOut(Out):
    id: uuid.UUID
    client_id: str
    institution_id: uuid.UUID
    auth_method: ClientAuthMethod
    enabled: bool
    created_at: datetime
    key_ids: list[str]


class ClientListOut(Out):
    items: list[ClientOut]


class NewClientIn(Command):
    client_id: Reference
    institution_code: Reference
    auth_method: ClientAuthMethod
    jwks: dict[str, Any] | None = None


class NewClientOut(ClientOut):
    client_secret: str | None = None


class ClientKeysIn(Command):
    jwks: dict[str, Any]


def _client(client: SystemClient) -> dict[str, Any]:
    keys = (client.jwks or {}).get("keys", [])
    return {
        "id": client.id,
        "client_id": client.client_id,
        "institution_id": client.institution_id,
        "auth_method": client.auth_method,
        "enabled": client.enabled,
        "created_at": client.created_at,
        "key_ids": [str(key.get("kid", "")) for key in keys],
    }


@router.get("/clients", response_model=ClientListOut)
def clients(uow: Uow, ctx: Context) -> JSONResponse:
    """Die Fachanwendungen der Stellen (OAuth2-Clients), ohne Geheimnisse."""
    items = [ClientOut(**_client(c)) for c in service.list_clients(_uow(uow), ctx)]
    return json_response(ClientListOut(items=items))


@router.post("/clients", response_model=NewClientOut, status_code=201, responses=problems(422))
def register_client(body: NewClientIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Fachanwendung registrieren; ein Secret wird genau einmal angezeigt, gespeichert nur als Hash."""
    client, secret = service.register_client(
        _uow(uow),
        ctx,
        SecretTools(),
        client_id=body.client_id,
        institution_code=body.institution_code,
        auth_method=body.auth_method,
        jwks=body.jwks,
    )
    return json_response(NewClientOut(**_client(client), client_secret=secret), 201)


@router.put("/clients/{client_id}/keys", response_model=ClientOut, responses=problems(404, 422))
def replace_keys(client_id: str, body: ClientKeysIn, uow: Uow, ctx: Context) -> JSONResponse:
    """Die öffentlichen Schlüssel (JWKS) einer Fachanwendung mit private_key_jwt ersetzen."""
    return json_response(
        ClientOut(**_client(service.replace_client_keys(_uow(uow), ctx, client_id, body.jwks)))
    )


@router.post("/clients/{client_id}/disable", response_model=ClientOut, responses=problems(404))
def disable_client(client_id: str, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Fachanwendung sperren; ihre ausgestellten Tokens gelten ab sofort nicht mehr."""
    return json_response(ClientOut(**_client(service.disable_client(_uow(uow), ctx, client_id))))


# -- webhook subscriptions -----------------------------------------------------------------------------


class SubscriptionOut(Out):
    id: uuid.UUID
    institution_id: uuid.UUID
    url: str
    active: bool
    created_at: datetime


class SubscriptionListOut(Out):
    items: list[SubscriptionOut]


class NewSubscriptionIn(Command):
    institution_code: Reference
    url: str = Field(min_length=8, max_length=500)


class NewSubscriptionOut(SubscriptionOut):
    secret: str


def _subscription(found: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": found.id,
        "institution_id": found.institution_id,
        "url": found.url,
        "active": found.active,
        "created_at": found.created_at,
    }


@router.get("/webhooks", response_model=SubscriptionListOut)
def webhooks(uow: Uow, ctx: Context) -> JSONResponse:
    """Die Webhook-Abonnemente der Fachanwendungen, ohne Geheimnisse."""
    items = [SubscriptionOut(**_subscription(s)) for s in service.list_subscriptions(_uow(uow), ctx)]
    return json_response(SubscriptionListOut(items=items))


@router.post("/webhooks", response_model=NewSubscriptionOut, status_code=201, responses=problems(422))
def subscribe(body: NewSubscriptionIn, uow: Uow, ctx: Context, container: ContainerDep) -> JSONResponse:
    """Ein Webhook-Abonnement anlegen (https, keine internen Adressen); das Signaturgeheimnis wird genau
    einmal angezeigt und versiegelt gespeichert."""
    policy = target_policy(container.settings)

    def check(url: str) -> None:
        try:
            check_url(url, policy)
        except TargetRefused as refused:
            raise ValueError(str(refused)) from None

    found, secret = service.subscribe(
        _uow(uow), ctx, SecretTools(), check, institution_code=body.institution_code, url=body.url
    )
    return json_response(NewSubscriptionOut(**_subscription(found), secret=secret), 201)


@router.delete("/webhooks/{subscription_id}", response_model=SubscriptionOut, responses=problems(404))
def unsubscribe(subscription_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Ein Webhook-Abonnement beenden."""
    return json_response(
        SubscriptionOut(**_subscription(service.unsubscribe(_uow(uow), ctx, subscription_id)))
    )
