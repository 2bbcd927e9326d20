"""OAuth2 client credentials (RFC 6749 §4.4) with RFC 9068 access tokens, and the way back to a principal."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.identity import ClientAuthMethod, SystemClient
from app.domain.principal import Principal, PrincipalKind
from app.services.context import RequestContext
from app.services.identity.ports import IdentityUnitOfWork, PrincipalDirectory, TokenCodec

SUPPORTED_SCOPES = frozenset({"api"})
DEV_TOKEN_CLIENT = "cockpit-dev-cli"  # noqa: S105 - a client id
UNKNOWN_ACTOR = Principal(uuid.UUID(int=0), PrincipalKind.SYSTEM, "unbekannt", uuid.UUID(int=0))


class OAuthError(Exception):
    """An error answer of the token endpoint (RFC 6749 §5.2); the description is German."""

    def __init__(
        self, error: str, description: str, status: int = 400, *, retry_after: int | None = None
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class ClientAuthentication:
    """What the caller presented at the token endpoint."""

    method: ClientAuthMethod
    client_id: str
    secret: str | None = None
    assertion: str | None = None


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    token_type: str = "Bearer"  # noqa: S105 - the token type of RFC 6750, not a secret


def _invalid_client() -> OAuthError:
    # One answer for an unknown client, a wrong secret, a bad assertion and a disabled client.
    return OAuthError("invalid_client", "Client-Authentifizierung fehlgeschlagen.", 401)


def _granted_scope(requested: str | None) -> str:
    scopes = set((requested or "api").split())
    if not scopes or not scopes <= SUPPORTED_SCOPES:
        raise OAuthError("invalid_scope", "Angefragter Geltungsbereich (scope) ist unbekannt.")
    return " ".join(sorted(scopes))


def issue_client_token(
    uow: IdentityUnitOfWork,
    codec: TokenCodec,
    auth: ClientAuthentication,
    *,
    grant_type: str | None,
    scope: str | None,
    token_endpoint: str,
    now: datetime,
    lifetime_seconds: int,
    correlation_id: str,
    secret_matches: Callable[[str, str], bool],
) -> IssuedToken:
    """Any caller; the client authenticates itself. Every attempt is audited (no secret, no assertion)."""
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Nur grant_type=client_credentials wird unterstützt.")
    granted = _granted_scope(scope)
    with uow:
        client = uow.identity.client(auth.client_id)
        failure = _authentication_failure(uow, codec, client, auth, token_endpoint, now, secret_matches)
        actor = client.as_principal() if client else UNKNOWN_ACTOR
        ctx = RequestContext(actor, correlation_id, now, purpose="Anmeldung")
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.LOGIN,
                operation="oauth.token",
                outcome=AuditOutcome.DENIED if failure else AuditOutcome.ALLOWED,
                reason=failure or "Zugriffstoken ausgestellt.",
            )
        )
    if failure or client is None:
        raise _invalid_client()
    claims = {
        "sub": client.client_id,
        "client_id": client.client_id,
        "scope": granted,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + lifetime_seconds,
        "jti": uuid.uuid4().hex,
        "institution_id": str(client.institution_id),
    }
    return IssuedToken(codec.encode(claims), lifetime_seconds, granted)


def _authentication_failure(
    uow: IdentityUnitOfWork,
    codec: TokenCodec,
    client: SystemClient | None,
    auth: ClientAuthentication,
    token_endpoint: str,
    now: datetime,
    secret_matches: Callable[[str, str], bool],
) -> str | None:
    """None when the client proved itself; otherwise the reason for the audit log."""
    if client is None:
        return "Unbekannte Client-ID."
    if not client.enabled:
        return "Client gesperrt."
    if auth.method.uses_secret != client.auth_method.uses_secret:
        return "Authentifizierungsmethode nicht registriert."
    if auth.method.uses_secret:
        if not (auth.secret and client.secret_hash and secret_matches(client.secret_hash, auth.secret)):
            return "Secret falsch."
        return None
    try:
        claims = codec.verify_assertion(
            auth.assertion or "", client.jwks or {}, client.client_id, (token_endpoint, codec.issuer), now
        )
    except Exception:  # any defect of the assertion is the same refusal
        return "Client-Assertion ungültig."
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    if not uow.identity.use_assertion(client.client_id, claims["jti"], expires_at, now):
        return "Client-Assertion bereits verwendet (Replay)."
    return None


def issue_dev_user_token(codec: TokenCodec, user: Principal, now: datetime, lifetime_seconds: int) -> str:
    """For `cockpit dev token`: an access token acting as a (demo) user. The CLI refuses it outside dev."""
    return codec.encode(
        {
            "sub": str(user.id),
            "client_id": DEV_TOKEN_CLIENT,
            "scope": "api",
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + lifetime_seconds,
            "jti": uuid.uuid4().hex,
        }
    )


def principal_from_access_token(
    directory: PrincipalDirectory, codec: TokenCodec, token: str, now: datetime, *, allow_user_tokens: bool
) -> Principal | None:
    """The principal an access token speaks for, or None. A disabled client is refused at once: its
    enabled flag is read on every request (one indexed statement, no transaction)."""
    try:
        claims = codec.decode(token, now)
    except Exception:  # every defect of a bearer token looks the same to the caller
        return None
    if claims["client_id"] == DEV_TOKEN_CLIENT:
        if not allow_user_tokens:
            return None
        try:
            user_id = uuid.UUID(claims["sub"])
        except ValueError:
            return None
        return directory.active_user(user_id)
    client = directory.enabled_client(claims["client_id"])
    if client is None or client.name != claims["sub"]:
        return None
    return client
