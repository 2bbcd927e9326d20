"""Caseworker login for the thin client: password (argon2id), optional TOTP, throttling, logout.

Every attempt, success or failure, is audited in the same transaction; the event carries the account
name (as every event does) but never the typed password, code or the client's address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain import totp
from app.domain.audit import AuditAction, AuditOutcome
from app.domain.identity import Credentials, SessionStage, Throttle, WebSession
from app.domain.principal import Principal
from app.domain.users import User
from app.services.context import RequestContext
from app.services.identity.ports import IdentityUnitOfWork, PasswordHasher
from app.services.identity.sessions import rotate
from app.services.identity.tokens import UNKNOWN_ACTOR

WRONG_CREDENTIALS = "Benutzername oder Passwort ist falsch."
WRONG_CODE = "Der Code ist falsch oder abgelaufen."
ADDRESS_FACTOR = 4  # an office behind one address has many people: its limit is higher


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int
    lockout: timedelta
    idle: timedelta
    totp_required_for: Callable[[str], bool]  # institution code → second factor required?


@dataclass(frozen=True)
class LoginResult:
    """`session_id` is the new cookie value when the session changed; `message` is for the page."""

    stage: SessionStage
    session_id: str | None = None
    message: str | None = None
    locked: bool = False  # refused because of the throttle


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.strip().lower().encode('utf-8')).hexdigest()}"


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return (
        "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend gesperrt; "
        f"bitte versuchen Sie es in {minutes} Minute{'n' if minutes != 1 else ''} erneut."
    )


def audit_login(
    uow: IdentityUnitOfWork,
    actor: Principal,
    now: datetime,
    correlation_id: str,
    outcome: AuditOutcome,
    reason: str,
    operation: str = "web.login",
    action: AuditAction = AuditAction.LOGIN,
) -> None:
    ctx = RequestContext(actor, correlation_id, now, purpose="Anmeldung")
    uow.audit.append(ctx.audit_event(action=action, operation=operation, outcome=outcome, reason=reason))


class _Refused(Exception):
    def __init__(self, message: str, reason: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.locked = locked  # already locked: this attempt is not counted again


def password_login(
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    policy: LoginPolicy,
    web_session: WebSession,
    *,
    username: str,
    password: str,
    client_address: str,
    now: datetime,
    correlation_id: str,
) -> LoginResult:
    """Anyone at the login page. Success rotates the session id; failures count per account and address."""
    with uow:
        uow.identity.delete_idle_sessions(now - policy.idle)  # abandoned sessions go at the next login
        account = uow.identity.throttle(_key("account", username))
        address = uow.identity.throttle(_key("address", client_address))
        user = uow.users.by_username(username.strip())
        actor = user.as_principal() if user else UNKNOWN_ACTOR
        try:
            for throttle in (account, address):
                if throttle.is_locked(now) and throttle.locked_until:
                    raise _Refused(
                        _locked_message(throttle.locked_until, now),
                        "Anmeldung gesperrt (Drosselung).",
                        locked=True,
                    )
            credentials = uow.identity.credentials(user.id) if user else None
            if user is None or credentials is None or credentials.password_hash is None:
                hasher.dummy_verify(password)
                raise _Refused(WRONG_CREDENTIALS, "Unbekanntes Konto oder kein Passwort.")
            if not hasher.verify(credentials.password_hash, password) or not user.active:
                raise _Refused(WRONG_CREDENTIALS, "Passwort falsch oder Konto inaktiv.")
        except _Refused as refusal:
            lock_message = None if refusal.locked else _count_failure(uow, policy, now, account, address)
            audit_login(uow, actor, now, correlation_id, AuditOutcome.DENIED, refusal.reason)
            locked = refusal.locked or lock_message is not None
            return LoginResult(web_session.stage, None, lock_message or refusal.message, locked)
        uow.identity.save_throttle(account.cleared())
        second_factor = credentials.totp_secret is not None or _totp_required(uow, policy, user)
        if second_factor and credentials.totp_secret is None:
            audit_login(
                uow,
                actor,
                now,
                correlation_id,
                AuditOutcome.DENIED,
                "Zweiter Faktor verlangt, nicht eingerichtet.",
            )
            return LoginResult(
                web_session.stage,
                None,
                "Ihre Stelle verlangt einen zweiten Faktor, der für Ihr Konto noch nicht eingerichtet ist. "
                "Bitte wenden Sie sich an die Administration.",
            )
        stage = SessionStage.SECOND_FACTOR if second_factor else SessionStage.AUTHENTICATED
        raw_id, _ = rotate(uow, web_session, now, stage, user.id)
        if stage is SessionStage.AUTHENTICATED:
            audit_login(uow, actor, now, correlation_id, AuditOutcome.ALLOWED, "Angemeldet (Passwort).")
    return LoginResult(stage, raw_id)


def second_factor_login(
    uow: IdentityUnitOfWork,
    policy: LoginPolicy,
    web_session: WebSession,
    *,
    code: str,
    now: datetime,
    correlation_id: str,
) -> LoginResult:
    """The TOTP step after a correct password. Wrong codes count against the account like passwords."""
    with uow:
        user = uow.users.get(web_session.user_id) if web_session.user_id else None
        credentials = uow.identity.credentials(user.id) if user else None
        if web_session.stage is not SessionStage.SECOND_FACTOR or user is None or credentials is None:
            return LoginResult(web_session.stage, None, "Bitte melden Sie sich zuerst mit dem Passwort an.")
        actor = user.as_principal()
        account = uow.identity.throttle(_key("account", user.username))
        if account.is_locked(now) and account.locked_until:
            uow.identity.delete_web_session(web_session.id_hash)
            audit_login(
                uow, actor, now, correlation_id, AuditOutcome.DENIED, "Anmeldung gesperrt (Drosselung)."
            )
            return LoginResult(SessionStage.ANONYMOUS, None, _locked_message(account.locked_until, now), True)
        step = (
            totp.matching_step(credentials.totp_secret, code, now, last_used_step=credentials.totp_last_step)
            if credentials.totp_secret
            else None
        )
        if step is None:
            locked = _count_failure(uow, policy, now, account, None)
            audit_login(uow, actor, now, correlation_id, AuditOutcome.DENIED, "Zweiter Faktor falsch.")
            if locked:
                uow.identity.delete_web_session(web_session.id_hash)
                return LoginResult(SessionStage.ANONYMOUS, None, locked, True)
            return LoginResult(web_session.stage, None, WRONG_CODE)
        uow.identity.save_credentials(replace(credentials, totp_last_step=step))
        uow.identity.save_throttle(account.cleared())
        raw_id, _ = rotate(uow, web_session, now, SessionStage.AUTHENTICATED, user.id)
        audit_login(uow, actor, now, correlation_id, AuditOutcome.ALLOWED, "Angemeldet (Passwort und TOTP).")
    return LoginResult(SessionStage.AUTHENTICATED, raw_id)


def logout(uow: IdentityUnitOfWork, web_session: WebSession, *, now: datetime, correlation_id: str) -> None:
    with uow:
        user = uow.users.get(web_session.user_id) if web_session.user_id else None
        uow.identity.delete_web_session(web_session.id_hash)
        if user is not None and web_session.stage is SessionStage.AUTHENTICATED:
            audit_login(
                uow,
                user.as_principal(),
                now,
                correlation_id,
                AuditOutcome.ALLOWED,
                "Abgemeldet.",
                operation="web.logout",
                action=AuditAction.LOGOUT,
            )


def session_user(uow: IdentityUnitOfWork, web_session: WebSession) -> User | None:
    """The active user of an authenticated session."""
    if web_session.stage is not SessionStage.AUTHENTICATED or web_session.user_id is None:
        return None
    with uow:
        user = uow.users.get(web_session.user_id)
    return user if user and user.active else None


def _totp_required(uow: IdentityUnitOfWork, policy: LoginPolicy, user: User) -> bool:
    institution = uow.institutions.get(user.institution_id)
    return institution is not None and policy.totp_required_for(institution.code)


def _count_failure(
    uow: IdentityUnitOfWork, policy: LoginPolicy, now: datetime, account: Throttle, address: Throttle | None
) -> str | None:
    """Count one failure; the lock message when it locked the account or the address."""
    locked: datetime | None = None
    for throttle, limit in ((account, policy.max_failures), (address, policy.max_failures * ADDRESS_FACTOR)):
        if throttle is None:
            continue
        counted = throttle.after_failure(now, limit, policy.lockout)
        uow.identity.save_throttle(counted)
        if counted.is_locked(now) and counted.locked_until:
            locked = counted.locked_until
    return _locked_message(locked, now) if locked else None


def set_password(uow: IdentityUnitOfWork, hasher: PasswordHasher, username: str, password: str) -> None:
    """Operator or seed: (re)set a user's password."""
    if len(password) < 10:
        raise ValueError("Das Passwort muss mindestens 10 Zeichen lang sein.")
    with uow:
        user = uow.users.by_username(username)
        if user is None:
            raise LookupError("Unbekannter Benutzer.")
        current = uow.identity.credentials(user.id) or Credentials(user.id)
        uow.identity.save_credentials(replace(current, password_hash=hasher.hash(password)))


def enable_totp(uow: IdentityUnitOfWork, username: str) -> str:
    """Operator: give a user a new TOTP secret (returned once, for the authenticator app)."""
    with uow:
        user = uow.users.by_username(username)
        if user is None:
            raise LookupError("Unbekannter Benutzer.")
        current = uow.identity.credentials(user.id) or Credentials(user.id)
        secret = totp.new_secret()
        uow.identity.save_credentials(replace(current, totp_secret=secret, totp_last_step=None))
    return secret
