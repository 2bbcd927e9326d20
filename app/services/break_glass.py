"""Break-glass: a supervisor opens a case of the own institution's scope for a limited time.

Scope: cases the supervisor's institution takes or took part in (a left participation counts: that
is where an urgent need arises after the institution stopped working on the case). The opening is
read-only, audited with action BREAK_GLASS and flagged for the data-protection officer; reads under
it carry the basis "break_glass:<id>".
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.break_glass import MIN_REASON_LENGTH, BreakGlass
from app.domain.errors import InvalidValue
from app.domain.permissions import Permission
from app.domain.principal import PrincipalKind
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import CaseNotFound, Forbidden
from app.services.ports import UnitOfWork

DPO_FLAG = "Notfallzugriff – zur Prüfung durch die Datenschutzbeauftragte"


def open_break_glass(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, reason: str) -> BreakGlass:
    """Supervisors only. The written reason stays in the break-glass record (not in the audit text)."""
    with refusals_recorded(
        uow, ctx, operation="break_glass.open", action=AuditAction.BREAK_GLASS, case_id=case_id
    ):
        require(ctx.principal, Permission.BREAK_GLASS)
        if ctx.principal.kind is not PrincipalKind.USER:
            raise Forbidden()
        text = reason.strip()
        if len(text) < MIN_REASON_LENGTH:
            raise InvalidValue(
                f"Die Begründung muss mindestens {MIN_REASON_LENGTH} Zeichen lang sein.", "reason"
            )
        with uow:
            sealed = uow.cases.load(case_id)  # who takes part decides; nothing decrypted
            case = sealed.case if sealed else None
            in_scope = case is not None and any(
                p.institution_id == ctx.principal.institution_id for p in case.participations
            )
            if case is None or not in_scope:
                uow.audit.append(
                    ctx.audit_event(
                        action=AuditAction.BREAK_GLASS,
                        operation="break_glass.open",
                        outcome=AuditOutcome.DENIED,
                        reason="Fall nicht im Bereich der eigenen Stelle."
                        if case
                        else "Fall nicht vorhanden.",
                        case_id=case_id,
                        person_id=case.person_id if case else None,
                    )
                )
                opening = None
            else:
                opening = BreakGlass(
                    case.id,
                    ctx.principal.id,
                    ctx.principal.institution_id,
                    text,
                    ctx.now,
                    ctx.now + timedelta(hours=ctx.access.break_glass_hours),
                )
                uow.break_glass.add(opening)
                uow.audit.append(
                    ctx.audit_event(
                        action=AuditAction.BREAK_GLASS,
                        operation="break_glass.open",
                        outcome=AuditOutcome.ALLOWED,
                        reason=f"{DPO_FLAG}; gültig bis {opening.expires_at.isoformat()}.",
                        case_id=case.id,
                        person_id=case.person_id,
                        record_ids=(opening.id,),
                        bases=(f"break_glass:{opening.id}",),
                    )
                )
        if opening is None:
            raise CaseNotFound(audited=True)
        return opening
