"""Forms that outlive their session: a form posted after the session timed out is kept, sealed, for
the same user, and its typed text comes back once on the page it was on after the next login.

Never kept: passwords, second-factor codes, CSRF tokens, versions and uploads (the entry point passes
typed text only; `keepable_fields` drops the rest again). Kept at most `LIFETIME`, used at most once."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from app.domain.identity import PendingForm
from app.services.identity.ports import IdentityUnitOfWork

LIFETIME = timedelta(minutes=30)
MAX_CHARACTERS = 64_000  # more than any form of the client takes; a larger post is not kept
NEVER_KEPT = frozenset({"csrf_token", "password", "code", "version"})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keepable_fields(fields: dict[str, str]) -> dict[str, str] | None:
    """The typed text worth keeping, or None if there is none (or too much to keep)."""
    kept = {k: v for k, v in fields.items() if k not in NEVER_KEPT and "passw" not in k.lower()}
    if not any(v.strip() for v in kept.values()):
        return None
    if sum(len(k) + len(v) for k, v in kept.items()) > MAX_CHARACTERS:
        return None
    return kept


def keep_pending_form(
    uow: IdentityUnitOfWork,
    user_id: uuid.UUID,
    page: str,
    action: str,
    fields: dict[str, str],
    now: datetime,
) -> str | None:
    """Seal the form for `user_id` (whose session just ended); the token for the browser's cookie, or
    None when nothing is worth keeping. Called by the thin client only, for a lapsed session."""
    kept = keepable_fields(fields)
    if kept is None:
        return None
    token = secrets.token_urlsafe(32)
    form = PendingForm(uuid.uuid4(), _token_hash(token), user_id, page, action, kept, now + LIFETIME)
    with uow:
        uow.identity.delete_expired_pending_forms(now)
        uow.identity.keep_pending_form(form)
    return token


def redeem_pending_form(
    uow: IdentityUnitOfWork, token: str | None, user_id: uuid.UUID, now: datetime
) -> PendingForm | None:
    """The kept form behind the browser's token if it belongs to `user_id` and has not expired. Whatever
    the answer, the token is spent: another user, a second tab or a late return finds nothing."""
    if not token:
        return None
    with uow:
        uow.identity.delete_expired_pending_forms(now)
        form = uow.identity.take_pending_form(_token_hash(token))
    if form is None or form.user_id != user_id or form.expires_at <= now:
        return None
    return form
