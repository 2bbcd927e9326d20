"""Who may authenticate, and how: system clients, caseworker credentials, sessions, throttling."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.domain.principal import Principal, PrincipalKind


class ClientAuthMethod(StrEnum):
    """How an institution's system proves it is itself at the token endpoint (RFC 6749, RFC 7523)."""

    CLIENT_SECRET_BASIC = "client_secret_basic"  # noqa: S105 - method names, not secrets
    CLIENT_SECRET_POST = "client_secret_post"  # noqa: S105
    PRIVATE_KEY_JWT = "private_key_jwt"

    @property
    def uses_secret(self) -> bool:
        return self is not ClientAuthMethod.PRIVATE_KEY_JWT


@dataclass(frozen=True)
class SystemClient:
    """An institution's software. Its secret is stored only as a hash; its public keys as a JWKS."""

    id: uuid.UUID
    client_id: str
    institution_id: uuid.UUID
    auth_method: ClientAuthMethod
    created_at: datetime
    secret_hash: str | None = None
    jwks: dict[str, Any] | None = None
    enabled: bool = True
    disabled_at: datetime | None = None

    def as_principal(self) -> Principal:
        return Principal(self.id, PrincipalKind.SYSTEM, self.client_id, self.institution_id)

    def disabled(self, now: datetime) -> SystemClient:
        return replace(self, enabled=False, disabled_at=self.disabled_at or now)


@dataclass(frozen=True)
class Credentials:
    """A user's login secrets. The password only as an argon2id hash."""

    user_id: uuid.UUID
    password_hash: str | None = None
    totp_secret: str | None = None
    totp_last_step: int | None = None  # a code is accepted once


class SessionStage(StrEnum):
    ANONYMOUS = "anonymous"  # before login: carries only the CSRF token of the login form
    SECOND_FACTOR = "second_factor"  # password accepted, TOTP outstanding
    AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class WebSession:
    """A server-side session of the thin client. The database keeps only the hash of its id."""

    id_hash: str
    csrf_token: str
    stage: SessionStage
    created_at: datetime
    last_seen_at: datetime
    user_id: uuid.UUID | None = None

    def idle_expired(self, now: datetime, idle: timedelta) -> bool:
        return now - self.last_seen_at > idle


@dataclass(frozen=True)
class Throttle:
    """Failed attempts under one key (an account or a client address) and the lock they led to."""

    key: str
    failures: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime, max_failures: int, lockout: timedelta) -> Throttle:
        """Count a failure; the `max_failures`-th locks the key for `lockout`, then counting restarts."""
        failures = self.failures + 1
        if failures >= max_failures:
            return replace(self, failures=0, locked_until=now + lockout)
        return replace(self, failures=failures)

    def cleared(self) -> Throttle:
        return replace(self, failures=0, locked_until=None)


@dataclass(frozen=True)
class OidcLogin:
    """A login begun at the canton's identity provider; valid once, for the session that began it."""

    state: str
    session_hash: str
    nonce: str
    code_verifier: str
    created_at: datetime
