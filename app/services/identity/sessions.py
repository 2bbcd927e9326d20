"""Server-side sessions of the thin client: created, looked up (idle timeout), rotated, ended."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from app.domain.identity import SessionStage, WebSession
from app.domain.users import User
from app.services.identity.ports import IdentityUnitOfWork


def session_hash(raw_id: str) -> str:
    return hashlib.sha256(raw_id.encode("utf-8")).hexdigest()


def new_session(
    uow: IdentityUnitOfWork,
    now: datetime,
    stage: SessionStage = SessionStage.ANONYMOUS,
    user_id: uuid.UUID | None = None,
) -> tuple[str, WebSession]:
    """A fresh session id (for the cookie) and its record; call inside an open unit of work."""
    raw_id = secrets.token_urlsafe(32)
    web_session = WebSession(session_hash(raw_id), secrets.token_urlsafe(32), stage, now, now, user_id)
    uow.identity.save_web_session(web_session)
    return raw_id, web_session


def rotate(
    uow: IdentityUnitOfWork, old: WebSession, now: datetime, stage: SessionStage, user_id: uuid.UUID
) -> tuple[str, WebSession]:
    """A new id (and CSRF token) at every change of privilege: no session fixation."""
    uow.identity.delete_web_session(old.id_hash)
    return new_session(uow, now, stage, user_id)


def current_session(
    uow: IdentityUnitOfWork, raw_id: str | None, now: datetime, idle: timedelta
) -> WebSession | None:
    """The live session behind a cookie value, its idle clock reset; None (and gone) once idle too long."""
    if not raw_id:
        return None
    with uow:
        return _touched(uow, raw_id, now, idle)


def signed_in(
    uow: IdentityUnitOfWork, raw_id: str | None, now: datetime, idle: timedelta
) -> tuple[WebSession, User] | None:
    """The live authenticated session behind a cookie value and its active user, in one transaction."""
    if not raw_id:
        return None
    with uow:
        web_session = _touched(uow, raw_id, now, idle)
        if web_session is None or web_session.stage is not SessionStage.AUTHENTICATED:
            return None
        user = uow.users.get(web_session.user_id) if web_session.user_id else None
    return (web_session, user) if user is not None and user.active else None


def _touched(uow: IdentityUnitOfWork, raw_id: str, now: datetime, idle: timedelta) -> WebSession | None:
    found = uow.identity.web_session(session_hash(raw_id))
    if found is None:
        return None
    if found.idle_expired(now, idle):
        uow.identity.delete_web_session(found.id_hash)
        return None
    touched = replace(found, last_seen_at=now)
    uow.identity.save_web_session(touched)
    return touched


def start_anonymous_session(uow: IdentityUnitOfWork, now: datetime) -> tuple[str, WebSession]:
    with uow:
        return new_session(uow, now)
