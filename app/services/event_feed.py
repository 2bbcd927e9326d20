"""The pull feed of change events, for institution systems that cannot receive webhooks.

Who may call: a principal with the permission to read cases. It receives the events of cases its
institution may open now, with the categories the policy lets it see; the cursor moves past events
it may not see, so paging reveals nothing about them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.domain.events import visible_categories
from app.domain.permissions import Permission
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

MAX_FEED_PAGE = 200
_SCAN_FACTOR = 10  # events scanned per page slot, so one call stays bounded however few are visible


@dataclass(frozen=True)
class FeedPage:
    events: list[dict[str, object]]
    next_cursor: str


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise InvalidValue("Der Cursor ist ungültig.", "cursor")
    return int(cursor)


def read_feed(uow: UnitOfWork, ctx: RequestContext, cursor: str | None, limit: int) -> FeedPage:
    with refusals_recorded(uow, ctx, operation="events.feed", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        position = parse_cursor(cursor)
    limit = max(1, min(limit, MAX_FEED_PAGE))
    with uow:
        cases: dict[uuid.UUID, CaseAccess | None] = {}  # one access decision per case, nothing decrypted
        visible: list[dict[str, object]] = []
        for event in uow.events.after(position, limit * _SCAN_FACTOR):
            if event.case_id not in cases:
                cases[event.case_id] = CaseAccess.consider(uow, ctx, event.case_id)
            known = cases[event.case_id]
            categories = None
            if known is not None:
                categories = visible_categories(
                    ctx.principal, known.case, event, known.basis.assigned, known.basis.grants
                )
            position = event.sequence
            if categories is not None:
                visible.append(event.payload(categories))
                if len(visible) == limit:
                    break
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation="events.feed",
                outcome=AuditOutcome.ALLOWED,
                reason=f"{len(visible)} Änderungsereignisse abgerufen.",
                record_ids=tuple(uuid.UUID(str(e["id"])) for e in visible),
                categories=tuple(sorted({DataCategory(c) for e in visible for c in e["categories"]})),  # type: ignore[attr-defined]
                bases=("participation",),
            )
        )
    return FeedPage(visible, str(position))
