"""Reference directory (Referenzverzeichnis): which institutions hold an active dossier on a person.

Routing only: institutions and which of them leads, never content or reference numbers.
Who may ask: a principal with the permission to read cases whose institution itself participates
actively in the person's open shared case. Anyone else gets "not found", exactly as for a person
who does not exist, so the answer cannot be used to probe who is a client where.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.institutions import Institution
from app.domain.permissions import Permission
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import PersonNotFound
from app.services.ports import UnitOfWork

OPERATION = "directory.dossiers_of_person"


@dataclass(frozen=True)
class DossierHolder:
    institution: Institution
    lead: bool


def dossier_holders(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> list[DossierHolder]:
    with refusals_recorded(uow, ctx, operation=OPERATION, action=AuditAction.READ, person_id=person_id):
        require(ctx.principal, Permission.CASE_READ)
        return _holders(uow, ctx, person_id)


def _holders(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> list[DossierHolder]:
    with uow:
        case_id = uow.cases.open_case_of_person(person_id)
        access = CaseAccess.consider(uow, ctx, case_id) if case_id else None  # routing only: no content
        case = access.case if access else None
        holders: list[DossierHolder] = []
        if case is not None and access is not None and access.may_open:
            for participation in case.active_participations:
                institution = uow.institutions.get(participation.institution_id)
                if institution is not None:
                    lead = institution.id == case.lead_institution_id
                    holders.append(DossierHolder(institution, lead))
            outcome, reason = AuditOutcome.ALLOWED, "Beteiligte Stellen abgefragt."
        else:
            outcome, reason = AuditOutcome.DENIED, "Keine Beteiligung am Fall dieser Person."
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation=OPERATION,
                outcome=outcome,
                reason=reason,
                case_id=case.id if holders and case else None,
                person_id=person_id,
                categories=(DataCategory.FALLFUEHRUNG,) if holders else (),
                bases=("participation",) if holders else (),
            )
        )
    if not holders:
        raise PersonNotFound(audited=True)
    return sorted(holders, key=lambda h: (not h.lead, h.institution.code))
