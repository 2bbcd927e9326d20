"""Loading what a decision may rest on besides the case: consents, rules, institution kinds,
break-glass, assignment. Loaded fresh per request, so a revocation counts on the very next one."""

from __future__ import annotations

from datetime import datetime, time

from app.domain.cases import SharedCase
from app.domain.cases.closure import FOLLOW_UP_MONTHS
from app.domain.dates import add_months
from app.domain.policy import AccessGrants
from app.domain.principal import PrincipalKind, Role
from app.services.context import LOCAL_TIME, RequestContext
from app.services.ports import UnitOfWork


def case_end(case: SharedCase) -> datetime | None:
    """Consents of a closed case end when its follow-up period ends (midnight, Solothurn time)."""
    if case.closure is None:
        return None
    due_on = case.follow_up.due_on if case.follow_up else add_months(case.closure.closed_on, FOLLOW_UP_MONTHS)
    return datetime.combine(due_on, time(0), LOCAL_TIME)


def grants_for(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> AccessGrants:
    principal = ctx.principal
    break_glass = None
    if principal.kind is PrincipalKind.USER and principal.has_role(Role.SUPERVISOR):
        break_glass = uow.break_glass.active(case.id, principal.id, ctx.now)
    kinds = {}
    for participation in case.participations:
        institution = uow.institutions.get(participation.institution_id)
        if institution is not None:
            kinds[institution.id] = institution.kind
    own = uow.institutions.get(principal.institution_id)
    if own is not None:
        kinds[own.id] = own.kind
    return AccessGrants(
        now=ctx.now,
        consents=tuple(uow.consents.for_case(case.id)),
        rules=ctx.access.rules,
        institution_kinds=kinds,
        case_phase=case.phase,
        case_end=case_end(case),
        break_glass=break_glass,
    )


def decision_basis(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> tuple[bool, AccessGrants]:
    """What a decision on `case` rests on: whether the acting user is assigned, and the grants."""
    return is_assigned(uow, ctx, case), grants_for(uow, ctx, case)


def is_assigned(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> bool:
    principal = ctx.principal
    return principal.kind is PrincipalKind.USER and uow.assignments.is_assigned(case.id, principal.id)


def sees_all_institution_cases(ctx: RequestContext) -> bool:
    """Supervisors and system clients see every case of their institution; caseworkers their assigned ones."""
    principal = ctx.principal
    return principal.kind is PrincipalKind.SYSTEM or principal.has_role(Role.SUPERVISOR)
