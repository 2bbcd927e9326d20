"""Looking after accounts: ending the throttle's waits, listing and ending a user's sessions.

Who may: the user for their own sessions; a supervisor for the accounts of their institution; an
administrator for every account. Every change is one audit event with the acting person (or, from the
CLI, the operating-system user and host) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.principal import Role
from app.domain.users import User
from app.services.access.refusals import refusals_recorded
from app.services.context import RequestContext
from app.services.errors import NotFound
from app.services.identity.login import account_throttle_prefixes
from app.services.identity.ports import IdentityUnitOfWork

UNKNOWN_ACCOUNT = "Unbekanntes Konto."


@dataclass(frozen=True)
class SessionInfo:
    """A session as its owner or an administrator sees it: never its id, only a short handle."""

    handle: str
    stage: str
    created_at: datetime
    last_seen_at: datetime


def _account(uow: IdentityUnitOfWork, ctx: RequestContext, username: str, *, own_allowed: bool) -> User:
    """The account, if the caller may look after it; missing and out of reach look the same."""
    user = uow.users.by_username(username)
    principal = ctx.principal
    allowed = user is not None and (
        Role.ADMIN in principal.roles
        or (own_allowed and user.id == principal.id)
        or (Role.SUPERVISOR in principal.roles and user.institution_id == principal.institution_id)
    )
    if user is None or not allowed:
        raise NotFound(UNKNOWN_ACCOUNT)
    return user


def unlock_account(uow: IdentityUnitOfWork, ctx: RequestContext, username: str) -> int:
    """Supervisor (own institution) or admin: end every wait the throttle put on an account (its
    password and second-factor counts, from every address). The number of throttles cleared."""
    with refusals_recorded(uow, ctx, operation="accounts.unlock", action=AuditAction.CHANGE), uow:
        user = _account(uow, ctx, username, own_allowed=False)
        cleared = uow.identity.clear_throttles(account_throttle_prefixes(user.username))
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.CHANGE,
                operation="accounts.unlock",
                outcome=AuditOutcome.ALLOWED,
                reason=f"Anmeldesperren von {user.username} aufgehoben ({cleared}).",
                record_ids=(user.id,),
            )
        )
    return cleared


def list_sessions(uow: IdentityUnitOfWork, ctx: RequestContext, username: str) -> list[SessionInfo]:
    """The user themself, their supervisor or an admin: the account's live sessions."""
    with refusals_recorded(uow, ctx, operation="accounts.sessions.list", action=AuditAction.READ), uow:
        user = _account(uow, ctx, username, own_allowed=True)
        sessions = uow.identity.sessions_of(user.id)
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation="accounts.sessions.list",
                outcome=AuditOutcome.ALLOWED,
                reason=f"Sitzungen von {user.username} angezeigt.",
                record_ids=(user.id,),
            )
        )
    return [SessionInfo(s.id_hash[:12], s.stage.value, s.created_at, s.last_seen_at) for s in sessions]


def end_sessions(uow: IdentityUnitOfWork, ctx: RequestContext, username: str) -> int:
    """The user themself, their supervisor or an admin: log the account out everywhere at once."""
    with refusals_recorded(uow, ctx, operation="accounts.sessions.end", action=AuditAction.LOGOUT), uow:
        user = _account(uow, ctx, username, own_allowed=True)
        ended = uow.identity.delete_sessions_of(user.id)
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.LOGOUT,
                operation="accounts.sessions.end",
                outcome=AuditOutcome.ALLOWED,
                reason=f"Alle Sitzungen von {user.username} beendet ({ended}).",
                record_ids=(user.id,),
            )
        )
    return ended
