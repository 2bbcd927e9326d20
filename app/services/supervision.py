"""Use case: the AGS sees per Sozialregion how the process is kept – counts, no personal data."""

from __future__ import annotations

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind
from app.domain.permissions import Permission
from app.domain.supervision import DRILL_DOWN_RULE, RegionProcessCounts
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork


def process_overview(
    uow: UnitOfWork,
    ctx: RequestContext,
    intake_segment_days: int,
    drill_down: bool = False,
    drill_down_basis: bool = False,
) -> list[RegionProcessCounts]:
    """For the AGS (the canton's institution) only. Without a legal basis (`drill_down_basis`, off by
    default) no case ids: a drill-down request is refused naming the rule."""
    with refusals_recorded(uow, ctx, operation="supervision.process", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        with uow:
            own = uow.institutions.get(ctx.principal.institution_id)
            if own is None or own.kind is not InstitutionKind.KANTON:
                raise Forbidden("Die Aufsicht über die Sozialregionen liegt beim AGS.")
            if drill_down and not drill_down_basis:
                raise Forbidden(f"{DRILL_DOWN_RULE.text} (Regel {DRILL_DOWN_RULE.id})")
            counts = uow.supervision.process_counts(ctx.today, intake_segment_days)
            if not drill_down:
                for region in counts:
                    region.case_ids = {}
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation="supervision.process",
                    outcome=AuditOutcome.ALLOWED,
                    reason="Prozesskennzahlen je Sozialregion gelesen"
                    + (f" (Einzelfälle nach Regel {DRILL_DOWN_RULE.id})." if drill_down else "."),
                    categories=(DataCategory.FALLFUEHRUNG,) if drill_down else (),
                    bases=(f"rule:{DRILL_DOWN_RULE.id}",) if drill_down else ("aufsicht",),
                )
            )
        return counts
