"""Server-side sessions of the thin client: created, looked up (idle timeout), rotated, ended."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain.identity import SessionStage, WebSession
from app.domain.users import User
from app.services.identity.ports import IdentityUnitOfWork

DEFAULT_ABSOLUTE = timedelta(hours=10)


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
    uow: IdentityUnitOfWork,
    raw_id: str | None,
    now: datetime,
    idle: timedelta,
    absolute: timedelta = DEFAULT_ABSOLUTE,
) -> WebSession | None:
    """The live session behind a cookie value, its idle clock reset; None (and gone) once idle too long."""
    if not raw_id:
        return None
    with uow:
        return _touched(uow, raw_id, now, idle, absolute)


def signed_in(
    uow: IdentityUnitOfWork,
    raw_id: str | None,
    now: datetime,
    idle: timedelta,
    absolute: timedelta = DEFAULT_ABSOLUTE,
) -> tuple[WebSession, User] | None:
    """The live authenticated session behind a cookie value and its active user, in one transaction."""
    found = signed_in_or_lapsed(uow, raw_id, now, idle, absolute)
    return found if isinstance(found, tuple) else None


@dataclass(frozen=True)
class Lapsed:
    """The cookie named an authenticated session that has just timed out (and is now gone): whose it was,
    so that a form posted into it can be kept for that user and no one else."""

    user_id: uuid.UUID


def signed_in_or_lapsed(
    uow: IdentityUnitOfWork,
    raw_id: str | None,
    now: datetime,
    idle: timedelta,
    absolute: timedelta = DEFAULT_ABSOLUTE,
) -> tuple[WebSession, User] | Lapsed | None:
    """As `signed_in`, but says whose authenticated session the cookie named when it has just ended."""
    if not raw_id:
        return None
    lapsed: list[WebSession] = []
    with uow:
        web_session = _touched(uow, raw_id, now, idle, absolute, lapsed)
        if web_session is None or web_session.stage is not SessionStage.AUTHENTICATED:
            ended = lapsed[0] if lapsed else None
            if ended and ended.stage is SessionStage.AUTHENTICATED and ended.user_id:
                return Lapsed(ended.user_id)
            return None
        user = uow.users.get(web_session.user_id) if web_session.user_id else None
    return (web_session, user) if user is not None and user.active else None


def _touched(
    uow: IdentityUnitOfWork,
    raw_id: str,
    now: datetime,
    idle: timedelta,
    absolute: timedelta,
    lapsed: list[WebSession] | None = None,
) -> WebSession | None:
    found = uow.identity.web_session(session_hash(raw_id))
    if found is None:
        return None
    if found.expired(now, idle, absolute):  # idle too long, or past the absolute lifetime
        uow.identity.delete_web_session(found.id_hash)
        if lapsed is not None:
            lapsed.append(found)
        return None
    touched = replace(found, last_seen_at=now)
    uow.identity.save_web_session(touched)
    return touched


def start_anonymous_session(uow: IdentityUnitOfWork, now: datetime) -> tuple[str, WebSession]:
    with uow:
        return new_session(uow, now)
