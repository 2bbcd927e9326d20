"""What a decision on a case rests on besides the case itself, loaded once per request.

Assignment, consents, an open break-glass and the institution kinds (from the process's cache):
read fresh on every request, so a revocation counts on the very next one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time

from app.domain.cases import SharedCase
from app.domain.policy import AccessGrants
from app.domain.principal import PrincipalKind, Role
from app.services.context import LOCAL_TIME, RequestContext
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class DecisionBasis:
    assigned: bool  # the acting caseworker is assigned to the case
    grants: AccessGrants

    def for_case(self, case: SharedCase) -> DecisionBasis:
        """The same basis for the case as a change left it (phase, end of follow-up)."""
        return replace(self, grants=replace(self.grants, case_phase=case.phase, case_end=case_end(case)))


def case_end(case: SharedCase) -> datetime | None:
    """Consents of a closed case end when its follow-up period ends (midnight, Solothurn time)."""
    if case.ends_on is None:
        return None
    return datetime.combine(case.ends_on, time(0), LOCAL_TIME)


def load_basis(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> DecisionBasis:
    principal = ctx.principal
    user = principal.kind is PrincipalKind.USER
    supervisor = user and principal.has_role(Role.SUPERVISOR)
    break_glass = uow.break_glass.active(case.id, principal.id, ctx.now) if supervisor else None
    # Only a caseworker's opening rests on the assignment (supervisors see their institution's cases).
    needs_assignment = user and not supervisor and principal.has_role(Role.CASEWORKER)
    assigned = needs_assignment and uow.assignments.is_assigned(case.id, principal.id)
    grants = AccessGrants(
        now=ctx.now,
        consents=tuple(uow.consents.for_case(case.id)),
        rules=ctx.access.rules,
        institution_kinds=uow.institutions.kinds(),
        case_phase=case.phase,
        case_end=case_end(case),
        break_glass=break_glass,
    )
    return DecisionBasis(assigned, grants)


def sees_all_institution_cases(ctx: RequestContext) -> bool:
    """Supervisors and system clients see every case of their institution; caseworkers their assigned ones."""
    principal = ctx.principal
    return principal.kind is PrincipalKind.SYSTEM or principal.has_role(Role.SUPERVISOR)
