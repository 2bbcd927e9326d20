"""The data owner's inbox: consents recorded by another institution that release the caller's
institution's data and wait for its confirmation.

Who: principals with CONSENT_MANAGE; a caseworker sees the consents of the cases assigned to it,
a supervisor or system client those of every case its institution takes part in. The list names
cases, institutions and categories, nothing of the client: one READ event records what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.consent import Consent
from app.domain.permissions import Permission, permits
from app.domain.policy import BasisKind
from app.services.access.basis import case_end
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class AwaitingConsent:
    consent: Consent
    local_reference: str  # the case as the caller's institution knows it


def consents_awaiting_confirmation(uow: UnitOfWork, ctx: RequestContext) -> list[AwaitingConsent]:
    """What waits for the caller's institution to release its data."""
    operation = "consents.awaiting"
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.READ, case_id=None):
        if not permits(ctx.principal, Permission.CONSENT_MANAGE):
            raise Forbidden()
        with uow:
            found: list[AwaitingConsent] = []
            own = ctx.principal.institution_id
            for consent in uow.consents.awaiting_owner(own, ctx.now):
                access = CaseAccess.consider(uow, ctx, consent.case_id)  # nothing decrypted
                if access is None or not consent.in_force_at(ctx.now, case_end(access.case)):
                    continue
                if not access.may_open or access.opening.basis is BasisKind.BREAK_GLASS:
                    continue
                case = access.case
                participation = next(
                    (p for p in case.participations if p.institution_id == own and p.left_on is None), None
                )
                if participation is None:
                    continue
                found.append(AwaitingConsent(consent, participation.local_reference))
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation=operation,
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"{len(found)} Einwilligungen warten auf die Bestätigung der eigenen Stelle.",
                    categories=(DataCategory.FALLFUEHRUNG,),  # which cases, flows and categories wait
                    record_ids=tuple(a.consent.id for a in found),
                    bases=("own",),
                )
            )
    return found
