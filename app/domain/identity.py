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

    def expired(self, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
        """Idle too long, or older than the absolute lifetime however busy it was."""
        return self.idle_expired(now, idle) or now - self.created_at > absolute


@dataclass(frozen=True)
class PendingForm:
    """A form posted after its session had ended, kept sealed for its user to finish after the login.

    Only typed text is kept (no password, code or CSRF token); it is restored once, on the page the
    form was shown on, and never after `expires_at`."""

    id: uuid.UUID
    token_hash: str  # SHA-256 of the browser's cookie value: a copy of the table redeems nothing
    user_id: uuid.UUID
    page: str  # the page the form was on (where its fields come back)
    action: str  # where it was posted
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class ThrottleRule:
    """How many failures a key may collect in a window before it must wait, and how long.

    `hard` (the second factor): once the limit is reached the key waits until its window ends, so no
    more than `free_failures` wrong codes fit in one window. Otherwise the wait grows progressively from
    `first_delay` (doubling with every further failure, at most `max_delay`): a delay, never a lock that
    someone else's failures could keep closed for good."""

    free_failures: int
    window: timedelta
    first_delay: timedelta
    max_delay: timedelta
    hard: bool = False

    def delay_after(self, failures: int) -> timedelta | None:
        excess = failures - self.free_failures
        if excess < 0:
            return None
        return min(self.first_delay * (2 ** min(excess, 20)), self.max_delay)


@dataclass(frozen=True)
class Throttle:
    """Failed attempts under one key (an account, a client address, both, a second factor) in a window
    that starts with the first failure; when the window has passed the count decays to zero."""

    key: str
    failures: int = 0
    window_started_at: datetime | None = None
    locked_until: datetime | None = None  # attempts wait until then (no check, no count)
    last_success_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def decayed(self, now: datetime, window: timedelta) -> Throttle:
        """The throttle as it stands now: an expired window forgets its failures."""
        if self.is_locked(now) or self.window_started_at is None or now - self.window_started_at < window:
            return self
        return replace(self, failures=0, window_started_at=None, locked_until=None)

    def after_failure(self, now: datetime, rule: ThrottleRule) -> Throttle:
        current = self.decayed(now, rule.window)
        failures = current.failures + 1
        started = current.window_started_at or now
        delay = rule.delay_after(failures)
        if delay is None:
            locked_until = None
        elif rule.hard:
            locked_until = max(started + rule.window, now + rule.first_delay)
        else:
            locked_until = now + delay
        return replace(current, failures=failures, window_started_at=started, locked_until=locked_until)

    def after_success(self, now: datetime) -> Throttle:
        return replace(self, failures=0, window_started_at=None, locked_until=None, last_success_at=now)

    def eased(self) -> Throttle:
        """A success behind a shared address takes half of its failures away (an office's typos do not
        add up; an attacker with an account of their own cannot wipe the slate)."""
        return replace(self, failures=self.failures // 2)

    def cleared(self) -> Throttle:
        return replace(self, failures=0, window_started_at=None, locked_until=None)


@dataclass(frozen=True)
class OidcLogin:
    """A login begun at the canton's identity provider; valid once, for the session that began it."""

    state: str
    session_hash: str
    nonce: str
    code_verifier: str
    created_at: datetime


@dataclass(frozen=True)
class WebhookSubscription:
    """An institution system's webhook endpoint (its signing secret is never part of it)."""

    id: uuid.UUID
    institution_id: uuid.UUID
    url: str
    active: bool
    created_at: datetime
