"""Use case: the Pendenzen of a user or of an institution – what is due or overdue on its cases."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.pendenzen import (
    DueWindow,
    Pendenz,
    PendenzenRules,
    pendenzen_of_case,
    pendenzen_of_consents,
    pendenzen_of_referral,
)
from app.domain.permissions import Permission
from app.services.access.basis import sees_all_institution_cases
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork


class Scope(StrEnum):
    MINE = "mine"  # the cases assigned to the user (all of the institution's for a supervisor)
    INSTITUTION = "institution"  # every case of the institution (supervisors and systems)


@dataclass(frozen=True)
class PendenzEntry:
    pendenz: Pendenz
    client_name: str | None  # only where the policy lets the institution see the Stammdaten


def list_pendenzen(
    uow: UnitOfWork, ctx: RequestContext, scope: Scope, rules: PendenzenRules = PendenzenRules()
) -> list[PendenzEntry]:
    """Pendenzen in date order, overdue first by nature of the order; one audit event for the list."""
    with refusals_recorded(uow, ctx, operation="pendenzen.list", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        if scope is Scope.INSTITUTION and not sees_all_institution_cases(ctx):
            raise Forbidden("Die Pendenzen der ganzen Stelle sieht die Teamleitung.")
        with uow:
            entries = _collect(uow, ctx, scope, rules)
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation="pendenzen.list",
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"Pendenzen gelesen ({len(entries)}).",
                    categories=(DataCategory.FALLFUEHRUNG,),
                    record_ids=tuple(
                        dict.fromkeys(
                            e.pendenz.case_id or e.pendenz.item_id
                            for e in entries
                            if e.pendenz.case_id or e.pendenz.item_id
                        )
                    ),
                    bases=("participation",),
                )
            )
        return entries


def _collect(uow: UnitOfWork, ctx: RequestContext, scope: Scope, rules: PendenzenRules) -> list[PendenzEntry]:
    institution_id = ctx.principal.institution_id
    assigned_to = None if sees_all_institution_cases(ctx) else ctx.principal.id
    window = DueWindow.of(ctx.today, rules)
    # Only the cases on which something can be due are opened, not every case of the institution.
    case_ids = uow.cases.due_for_institution(institution_id, window, assigned_user_id=assigned_to)
    entries: list[PendenzEntry] = []
    for case_id in case_ids:
        access = CaseAccess.consider(uow, ctx, case_id)
        if access is None or not access.may_open:
            continue
        case = access.reveal()
        person = uow.persons.get(case.person_id)
        name = None
        if person is not None and access.decisions.of(person.category, person.owner_institution_id).allow:
            name = f"{person.family_name}, {person.given_name}"
        entries.extend(
            PendenzEntry(p, name) for p in pendenzen_of_case(case, institution_id, ctx.today, rules)
        )
        consents = uow.consents.for_case(case.id)
        expiring = pendenzen_of_consents(case, consents, institution_id, ctx.now, ctx.today, rules)
        entries.extend(PendenzEntry(p, name) for p in expiring)
    # Open invitations: the invited institution is not (yet) a participant; the skeleton suffices.
    for case_id in uow.cases.with_pending_invitation(institution_id):
        if case_id in case_ids:
            continue
        sealed = uow.cases.load(case_id)  # the skeleton and its invitations; nothing decrypted
        if sealed is not None:
            case = sealed.case
            entries.extend(
                PendenzEntry(p, None) for p in pendenzen_of_case(case, institution_id, ctx.today, rules)
            )
    for referral in uow.referrals.awaiting_decision(institution_id, window.due_by):
        entries.extend(
            PendenzEntry(p, None) for p in pendenzen_of_referral(referral, institution_id, ctx.today, rules)
        )
    return sorted(
        entries, key=lambda e: (e.pendenz.due_on, e.pendenz.kind.value, str(e.pendenz.case_id or ""))
    )
