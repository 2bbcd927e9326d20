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
from app.domain.identity import Credentials, SessionStage, Throttle, ThrottleRule, WebSession
from app.domain.principal import Principal
from app.domain.users import User
from app.services.context import RequestContext
from app.services.identity.ports import IdentityUnitOfWork, PasswordHasher
from app.services.identity.sessions import rotate
from app.services.identity.tokens import UNKNOWN_ACTOR

WRONG_CREDENTIALS = "Benutzername oder Passwort ist falsch."
WRONG_CODE = "Der Code ist falsch oder abgelaufen."
# An address that logged in to an account is spared that account's wide throttle for this long.
KNOWN_ADDRESS = timedelta(days=90)


@dataclass(frozen=True)
class LoginPolicy:
    """`pair` counts failures of one account from one address; `address` of one address over all
    accounts; `account` of one account from addresses that never logged in to it; `totp` wrong codes of
    one account (hard: no more per window, whatever the password step does); `totp_per_login` ends the
    half-finished login after that many wrong codes."""

    idle: timedelta
    totp_required_for: Callable[[str], bool]  # institution code → second factor required?
    pair: ThrottleRule
    address: ThrottleRule
    account: ThrottleRule
    totp: ThrottleRule
    totp_per_login: int = 3
    absolute: timedelta = timedelta(hours=10)


@dataclass(frozen=True)
class LoginResult:
    """`session_id` is the new cookie value when the session changed; `message` is for the page."""

    stage: SessionStage
    session_id: str | None = None
    message: str | None = None
    locked: bool = False  # refused because of the throttle


def _hash(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:32]


def throttle_key(kind: str, *values: str) -> str:
    """The key of a throttle: hashes, never names or addresses (`pair:<account>:<address>`)."""
    return ":".join((kind, *(_hash(value) for value in values)))


def account_throttle_prefixes(username: str) -> tuple[str, ...]:
    """Every throttle that holds an account back (for an unlock)."""
    return (
        throttle_key("account", username),
        throttle_key("totp", username),
        throttle_key("pair", username) + ":",
    )


def _locked_message(until: datetime, now: datetime) -> str:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    wait = f"{seconds} Sekunden" if seconds < 120 else f"{(seconds + 59) // 60} Minuten"
    return (
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie, bevor Sie es erneut versuchen "
        f"(noch {wait})."
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
    """Anyone at the login page. Success rotates the session id.

    Failures count against the account from this address, the address, and the account from
    addresses that never logged in to it; a key over its limit makes the next attempt wait (the
    password is then not checked at all). A correct password never resets the second factor's count."""
    with uow:
        uow.identity.delete_idle_sessions(now - policy.idle)  # abandoned sessions go at the next login
        uow.identity.delete_expired_pending_forms(now)
        longest_window = max(
            policy.pair.window, policy.address.window, policy.account.window, policy.totp.window
        )
        uow.identity.delete_stale_throttles(now, now - longest_window, now - KNOWN_ADDRESS)
        pair = _throttle(uow, now, policy.pair, "pair", username, client_address)
        address = _throttle(uow, now, policy.address, "address", client_address)
        account = _throttle(uow, now, policy.account, "account", username)
        known = pair.last_success_at is not None and now - pair.last_success_at < KNOWN_ADDRESS
        counted: list[tuple[Throttle, ThrottleRule]] = [(pair, policy.pair), (address, policy.address)]
        if not known:
            counted.append((account, policy.account))
        user = uow.users.by_username(username.strip())
        actor = user.as_principal() if user else UNKNOWN_ACTOR
        try:
            for throttle, _ in counted:
                if throttle.is_locked(now) and throttle.locked_until:
                    raise _Refused(
                        _locked_message(throttle.locked_until, now),
                        "Anmeldung verzögert (Drosselung).",
                        locked=True,
                    )
            credentials = uow.identity.credentials(user.id) if user else None
            if user is None or credentials is None or credentials.password_hash is None:
                hasher.dummy_verify(password)
                raise _Refused(WRONG_CREDENTIALS, "Unbekanntes Konto oder kein Passwort.")
            if not hasher.verify(credentials.password_hash, password) or not user.active:
                raise _Refused(WRONG_CREDENTIALS, "Passwort falsch oder Konto inaktiv.")
        except _Refused as refusal:
            lock_message = None if refusal.locked else _count_failure(uow, now, counted)
            audit_login(uow, actor, now, correlation_id, AuditOutcome.DENIED, refusal.reason)
            locked = refusal.locked or lock_message is not None
            return LoginResult(web_session.stage, None, lock_message or refusal.message, locked)
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
        if not second_factor:
            _count_success(uow, now, pair, address)
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
    client_address: str = "-",
) -> LoginResult:
    """The TOTP step after a correct password. Wrong codes count against the account (at most
    `policy.totp.free_failures` per window, never reset by a password), the address, and this login
    (after `policy.totp_per_login` wrong codes the password must be entered again)."""
    with uow:
        user = uow.users.get(web_session.user_id) if web_session.user_id else None
        credentials = uow.identity.credentials(user.id) if user else None
        if web_session.stage is not SessionStage.SECOND_FACTOR or user is None or credentials is None:
            return LoginResult(web_session.stage, None, "Bitte melden Sie sich zuerst mit dem Passwort an.")
        actor = user.as_principal()
        account = _throttle(uow, now, policy.totp, "totp", user.username)
        address = _throttle(uow, now, policy.address, "address", client_address)
        this_login = uow.identity.throttle(throttle_key("totp-login", web_session.id_hash))
        for throttle in (account, address):
            if throttle.is_locked(now) and throttle.locked_until:
                uow.identity.delete_web_session(web_session.id_hash)
                reason = "Zweiter Faktor verzögert (Drosselung)."
                audit_login(uow, actor, now, correlation_id, AuditOutcome.DENIED, reason)
                return LoginResult(
                    SessionStage.ANONYMOUS, None, _locked_message(throttle.locked_until, now), True
                )
        step = (
            totp.matching_step(credentials.totp_secret, code, now, last_used_step=credentials.totp_last_step)
            if credentials.totp_secret
            else None
        )
        if step is None:
            locked = _count_failure(uow, now, [(account, policy.totp), (address, policy.address)])
            tries = replace(this_login, failures=this_login.failures + 1, window_started_at=now)
            audit_login(uow, actor, now, correlation_id, AuditOutcome.DENIED, "Zweiter Faktor falsch.")
            if locked or tries.failures >= policy.totp_per_login:
                uow.identity.delete_throttle(this_login.key)
                uow.identity.delete_web_session(web_session.id_hash)
                message = locked or "Zu viele falsche Codes. Bitte melden Sie sich erneut an."
                return LoginResult(SessionStage.ANONYMOUS, None, message, True)
            uow.identity.save_throttle(tries)
            return LoginResult(web_session.stage, None, WRONG_CODE)
        uow.identity.save_credentials(replace(credentials, totp_last_step=step))
        uow.identity.save_throttle(account.cleared())
        uow.identity.delete_throttle(this_login.key)
        pair = uow.identity.throttle(throttle_key("pair", user.username, client_address))
        _count_success(uow, now, pair, address)
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


def _throttle(
    uow: IdentityUnitOfWork, now: datetime, rule: ThrottleRule, kind: str, *values: str
) -> Throttle:
    return uow.identity.throttle(throttle_key(kind, *values)).decayed(now, rule.window)


def _count_failure(
    uow: IdentityUnitOfWork, now: datetime, counted: list[tuple[Throttle, ThrottleRule]]
) -> str | None:
    """Count one failure on each key; the wait message when one of them must now wait."""
    locked: datetime | None = None
    for throttle, rule in counted:
        after = throttle.after_failure(now, rule)
        uow.identity.save_throttle(after)
        if after.is_locked(now) and after.locked_until:
            locked = max(locked, after.locked_until) if locked else after.locked_until
    return _locked_message(locked, now) if locked else None


def _count_success(uow: IdentityUnitOfWork, now: datetime, pair: Throttle, address: Throttle) -> None:
    """A full login: this account from this address starts afresh (and is known from now on); the
    address loses half its failures. The account-wide count decays on its own."""
    uow.identity.save_throttle(pair.after_success(now))
    uow.identity.save_throttle(address.eased())


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
