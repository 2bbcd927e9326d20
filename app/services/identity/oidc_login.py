"""Login through the canton's identity provider: begin (state, nonce, PKCE) and complete.

The provider authenticates the person (its own second factor included); Cockpit maps the configured
claim to an active Cockpit user of the same user name. Every completion, success or failure, is audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from app.domain.audit import AuditOutcome
from app.domain.identity import OidcLogin, SessionStage, WebSession
from app.services.identity.login import LoginResult, audit_login
from app.services.identity.ports import IdentityUnitOfWork
from app.services.identity.sessions import rotate
from app.services.identity.tokens import UNKNOWN_ACTOR

LOGIN_VALIDITY = timedelta(minutes=10)
FAILED = "Die Anmeldung über das kantonale Login ist fehlgeschlagen. Bitte versuchen Sie es erneut."
NO_ACCOUNT = (
    "Für dieses Login gibt es kein aktives Cockpit-Konto. Bitte wenden Sie sich an die Administration."
)


def begin_oidc_login(uow: IdentityUnitOfWork, web_session: WebSession, now: datetime) -> OidcLogin:
    login = OidcLogin(
        state=secrets.token_urlsafe(32),
        session_hash=web_session.id_hash,
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        created_at=now,
    )
    with uow:
        uow.identity.save_oidc_login(login)
    return login


def complete_oidc_login(
    uow: IdentityUnitOfWork,
    web_session: WebSession,
    state: str,
    username_for: Callable[[OidcLogin], str],
    *,
    now: datetime,
    correlation_id: str,
) -> LoginResult:
    """`username_for` asks the provider (code exchange, ID token check) and raises on any defect."""
    with uow:
        login = uow.identity.take_oidc_login(state, now - LOGIN_VALIDITY)
    if login is None or login.session_hash != web_session.id_hash:
        return _refused(uow, now, correlation_id, "OIDC: unbekannter oder fremder state.", FAILED)
    try:
        username = username_for(login)
    except Exception:  # the provider's failure is the same refusal for the person at the browser
        return _refused(uow, now, correlation_id, "OIDC: Antwort des Identitätsanbieters ungültig.", FAILED)
    with uow:
        user = uow.users.by_username(username)
        if user is None or not user.active:
            audit_login(
                uow, UNKNOWN_ACTOR, now, correlation_id, AuditOutcome.DENIED, "OIDC: kein aktives Konto."
            )
            return LoginResult(web_session.stage, None, NO_ACCOUNT)
        raw_id, _ = rotate(uow, web_session, now, SessionStage.AUTHENTICATED, user.id)
        audit_login(uow, user.as_principal(), now, correlation_id, AuditOutcome.ALLOWED, "Angemeldet (OIDC).")
    return LoginResult(SessionStage.AUTHENTICATED, raw_id)


def _refused(
    uow: IdentityUnitOfWork, now: datetime, correlation_id: str, reason: str, message: str
) -> LoginResult:
    with uow:
        audit_login(uow, UNKNOWN_ACTOR, now, correlation_id, AuditOutcome.DENIED, reason)
    return LoginResult(SessionStage.ANONYMOUS, None, message)
