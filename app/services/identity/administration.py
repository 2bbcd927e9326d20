"""Administration: users and their roles, the institutions' system clients and their keys, webhook
subscriptions. Administrators only (the admin API and the operator CLI reach the same functions); every
change is one audit event naming the acting administrator, in the same transaction.

Secrets (a client secret, a webhook signing secret) are returned once and never stored in the clear.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.identity import ClientAuthMethod, SystemClient
from app.domain.identity import WebhookSubscription as Subscription
from app.domain.institutions import Institution
from app.domain.principal import Role
from app.domain.users import User
from app.services.access.refusals import refusals_recorded
from app.services.context import RequestContext
from app.services.errors import Forbidden, NotFound, ServiceError
from app.services.identity.ports import IdentityUnitOfWork
from app.services.identity.tokens import DEV_TOKEN_CLIENT
from app.services.ports import UnitOfWork

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")

T = TypeVar("T")


# The complete unit of work carries the subscriptions (app/services/ports.py).
AdministrationUnitOfWork = UnitOfWork


class SecretTools(Protocol):
    """New secrets and their hashes (adapters): the service never invents key material itself."""

    def new_client_secret(self) -> str: ...
    def hash_client_secret(self, secret: str) -> str: ...
    def new_webhook_secret(self) -> str: ...


# Raises ValueError with a German message when the URL may not be a webhook target.
TargetCheck = Callable[[str], None]


def _require_admin(ctx: RequestContext) -> None:
    if Role.ADMIN not in ctx.principal.roles:
        raise Forbidden()


@contextmanager
def _administering(
    uow: IdentityUnitOfWork, ctx: RequestContext, operation: str, action: AuditAction
) -> Iterator[None]:
    """One transaction for an administrator's request; a refusal is audited as such."""
    with refusals_recorded(uow, ctx, operation=operation, action=action), uow:
        _require_admin(ctx)
        yield


def _listed(
    uow: IdentityUnitOfWork,
    ctx: RequestContext,
    operation: str,
    load: Callable[[], list[T]],
    shown: str,
) -> list[T]:
    """A listing for administrators, audited as one read with the number of entries shown."""
    with _administering(uow, ctx, operation, AuditAction.READ):
        found = load()
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation=operation,
                outcome=AuditOutcome.ALLOWED,
                reason=f"{shown} angezeigt ({len(found)}).",
            )
        )
    return found


def _audit(
    uow: IdentityUnitOfWork, ctx: RequestContext, operation: str, reason: str, record: uuid.UUID
) -> None:
    action = AuditAction.CREATE if operation.endswith(".create") else AuditAction.CHANGE
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=AuditOutcome.ALLOWED,
            reason=reason,
            record_ids=(record,),
        )
    )


def _institution(uow: IdentityUnitOfWork, code: str) -> Institution:
    institution = uow.institutions.by_code(code)
    if institution is None:
        raise ServiceError("Unbekannte Stelle.", "institution_code")
    return institution


# -- users ---------------------------------------------------------------------------------------------


def list_users(uow: IdentityUnitOfWork, ctx: RequestContext) -> list[User]:
    return _listed(uow, ctx, "admin.users.list", lambda: uow.users.list(), "Benutzerliste")


def create_user(
    uow: IdentityUnitOfWork,
    ctx: RequestContext,
    *,
    username: str,
    display_name: str,
    institution_code: str,
    roles: frozenset[Role],
) -> User:
    with _administering(uow, ctx, "admin.users.create", AuditAction.CREATE):
        if not _USERNAME.match(username):
            raise ServiceError(
                "Benutzername: 2–64 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich.",
                "username",
            )
        if not display_name.strip():
            raise ServiceError("Der Anzeigename fehlt.", "display_name")
        institution = _institution(uow, institution_code)
        if uow.users.by_username(username) is not None:
            raise ServiceError("Dieser Benutzername ist bereits vergeben.", "username")
        user = User(uuid.uuid4(), username, display_name.strip(), institution.id, roles)
        uow.users.add(user)
        _audit(uow, ctx, "admin.users.create", f"Benutzer {username} angelegt ({_roles(roles)}).", user.id)
    return user


def change_user(
    uow: IdentityUnitOfWork,
    ctx: RequestContext,
    username: str,
    *,
    roles: frozenset[Role] | None = None,
    active: bool | None = None,
) -> User:
    """Roles and the active flag. Deactivating ends the user's sessions at once."""
    with _administering(uow, ctx, "admin.users.change", AuditAction.CHANGE):
        user = uow.users.by_username(username)
        if user is None:
            raise NotFound("Unbekanntes Konto.")
        if user.id == ctx.principal.id and (
            active is False or (roles is not None and Role.ADMIN not in roles)
        ):
            raise ServiceError("Das eigene Administrationskonto lässt sich so nicht ändern.")
        changed = replace(
            user,
            roles=user.roles if roles is None else roles,
            active=user.active if active is None else active,
        )
        uow.users.save(changed)
        if not changed.active:
            uow.identity.delete_sessions_of(user.id)
        state = "aktiv" if changed.active else "gesperrt"
        reason = f"Benutzer {username}: Rollen {_roles(changed.roles)}, {state}."
        _audit(uow, ctx, "admin.users.change", reason, user.id)
    return changed


def _roles(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles)) or "keine"


# -- system clients ------------------------------------------------------------------------------------


def list_clients(uow: IdentityUnitOfWork, ctx: RequestContext) -> list[SystemClient]:
    return _listed(uow, ctx, "admin.clients.list", lambda: uow.identity.clients(), "Fachanwendungen")


def register_client(
    uow: IdentityUnitOfWork,
    ctx: RequestContext,
    tools: SecretTools,
    *,
    client_id: str,
    institution_code: str,
    auth_method: ClientAuthMethod,
    jwks: dict[str, Any] | None = None,
) -> tuple[SystemClient, str | None]:
    """A secret method gets a new secret (returned once, stored as a hash); private_key_jwt its JWKS."""
    with _administering(uow, ctx, "admin.clients.create", AuditAction.CREATE):
        if not _CLIENT_ID.match(client_id) or client_id == DEV_TOKEN_CLIENT:
            raise ServiceError(
                "Client-ID: 3–64 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich.",
                "client_id",
            )
        if not auth_method.uses_secret and not (jwks and jwks.get("keys")):
            raise ServiceError("Für private_key_jwt braucht es öffentliche Schlüssel (JWKS).", "jwks")
        institution = _institution(uow, institution_code)
        if uow.identity.client(client_id) is not None:
            raise ServiceError("Diese Client-ID ist bereits vergeben.", "client_id")
        secret = tools.new_client_secret() if auth_method.uses_secret else None
        client = SystemClient(
            id=uuid.uuid4(),
            client_id=client_id,
            institution_id=institution.id,
            auth_method=auth_method,
            created_at=ctx.now,
            secret_hash=tools.hash_client_secret(secret) if secret else None,
            jwks=None if auth_method.uses_secret else _public_only(jwks or {}),
        )
        uow.identity.save_client(client)
        _audit(
            uow,
            ctx,
            "admin.clients.create",
            f"Fachanwendung {client_id} ({auth_method.value}) registriert.",
            client.id,
        )
    return client, secret


def replace_client_keys(
    uow: IdentityUnitOfWork, ctx: RequestContext, client_id: str, jwks: dict[str, Any]
) -> SystemClient:
    """A private_key_jwt client's public keys, replaced (key rotation at the institution)."""
    with _administering(uow, ctx, "admin.clients.keys", AuditAction.CHANGE):
        client = uow.identity.client(client_id)
        if client is None:
            raise NotFound("Unbekannte Client-ID.")
        if client.auth_method.uses_secret or not jwks.get("keys"):
            raise ServiceError("Nur Fachanwendungen mit private_key_jwt haben Schlüssel (JWKS).", "jwks")
        changed = replace(client, jwks=_public_only(jwks))
        uow.identity.save_client(changed)
        _audit(
            uow,
            ctx,
            "admin.clients.keys",
            f"Schlüssel von {client_id} ersetzt ({len(jwks['keys'])}).",
            client.id,
        )
    return changed


def disable_client(uow: IdentityUnitOfWork, ctx: RequestContext, client_id: str) -> SystemClient:
    """Takes effect on the client's very next request: tokens already issued stop working too."""
    with _administering(uow, ctx, "admin.clients.disable", AuditAction.CHANGE):
        client = uow.identity.client(client_id)
        if client is None:
            raise NotFound("Unbekannte Client-ID.")
        disabled = client.disabled(ctx.now)
        uow.identity.save_client(disabled)
        _audit(uow, ctx, "admin.clients.disable", f"Fachanwendung {client_id} gesperrt.", client.id)
    return disabled


_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def _public_only(jwks: dict[str, Any]) -> dict[str, Any]:
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise ServiceError('JWKS erwartet: {"keys": [...]}.', "jwks")
    if any(_PRIVATE_JWK_MEMBERS & set(key) for key in keys):
        raise ServiceError(
            "Das JWKS enthält private Schlüsselteile; nur öffentliche Schlüssel hinterlegen.", "jwks"
        )
    return {"keys": keys}


# -- webhook subscriptions -----------------------------------------------------------------------------


def list_subscriptions(uow: AdministrationUnitOfWork, ctx: RequestContext) -> list[Subscription]:
    return _listed(uow, ctx, "admin.webhooks.list", lambda: uow.subscriptions.list(), "Webhook-Abonnemente")


def subscribe(
    uow: AdministrationUnitOfWork,
    ctx: RequestContext,
    tools: SecretTools,
    check_target: TargetCheck,
    *,
    institution_code: str,
    url: str,
) -> tuple[Subscription, str]:
    """A new subscription (events written from now on); its signing secret is returned once."""
    with _administering(uow, ctx, "admin.webhooks.create", AuditAction.CREATE):
        try:
            check_target(url)
        except ValueError as refused:
            raise ServiceError(str(refused), "url") from None
        institution = _institution(uow, institution_code)
        secret = tools.new_webhook_secret()
        subscription = uow.subscriptions.add(institution.id, url, secret, ctx.now)
        _audit(
            uow, ctx, "admin.webhooks.create", f"Webhook für {institution.code} abonniert.", subscription.id
        )
    return subscription, secret


def unsubscribe(
    uow: AdministrationUnitOfWork, ctx: RequestContext, subscription_id: uuid.UUID
) -> Subscription:
    with _administering(uow, ctx, "admin.webhooks.deactivate", AuditAction.CHANGE):
        found = uow.subscriptions.deactivate(subscription_id)
        if found is None:
            raise NotFound("Unbekanntes Abonnement.")
        _audit(uow, ctx, "admin.webhooks.deactivate", "Webhook-Abonnement beendet.", subscription_id)
    return found
