"""Case assignments: a supervisor assigns caseworkers of the own institution to a case."""

from __future__ import annotations

import uuid

from app.domain.assignments import CaseAssignment
from app.domain.audit import AuditAction
from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, InvariantViolation
from app.domain.permissions import Permission
from app.domain.principal import PrincipalKind, Role
from app.services.access.case_work import CaseAct, act_on_case
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

_CORE = (DataCategory.FALLFUEHRUNG,)


def assign_opener(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> None:
    """The user who opens a case works on it (inside the opening transaction)."""
    principal = ctx.principal
    if principal.kind is PrincipalKind.USER:
        uow.assignments.add(
            CaseAssignment(case.id, principal.id, principal.institution_id, principal.id, ctx.now)
        )


def list_assignments(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> list[CaseAssignment]:
    """Anyone who may open the case sees who of the own institution is assigned."""

    def work(case: SharedCase) -> tuple[list[CaseAssignment], CaseAct]:
        own = [
            a for a in uow.assignments.for_case(case.id) if a.institution_id == ctx.principal.institution_id
        ]
        return own, CaseAct("Zuteilungen gelesen.", _CORE)

    return act_on_case(uow, ctx, case_id, "assignments.list", AuditAction.READ, work)


def assign_caseworker(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, user_id: uuid.UUID
) -> CaseAssignment:
    """A supervisor assigns a caseworker of the own institution to a case the institution works on."""

    def work(case: SharedCase) -> tuple[CaseAssignment, CaseAct]:
        user = uow.users.get(user_id)
        if (
            user is None
            or not user.active
            or user.institution_id != ctx.principal.institution_id
            or Role.CASEWORKER not in user.roles
        ):
            raise InvalidValue(
                "Zuteilen lassen sich nur aktive Fallbearbeitende der eigenen Stelle.", "user_id"
            )
        if not case.is_participant(ctx.principal.institution_id):
            raise InvariantViolation("Ihre Stelle ist an diesem Fall nicht beteiligt.")
        if uow.assignments.is_assigned(case.id, user.id):
            raise InvariantViolation("Diese Person ist dem Fall bereits zugeteilt.", "user_id")
        assignment = CaseAssignment(case.id, user.id, user.institution_id, ctx.principal.id, ctx.now)
        uow.assignments.add(assignment)
        return assignment, CaseAct("Fallbearbeitung zugeteilt.", _CORE, (assignment.id,))

    return act_on_case(
        uow, ctx, case_id, "assignments.add", AuditAction.CHANGE, work, permission=Permission.CASE_ASSIGN
    )


def unassign_caseworker(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """A supervisor ends a caseworker's assignment; the next request of that caseworker gets 404."""

    def work(case: SharedCase) -> tuple[None, CaseAct]:
        user = uow.users.get(user_id)
        if user is None or user.institution_id != ctx.principal.institution_id:
            raise InvalidValue("Diese Person ist dem Fall nicht zugeteilt.", "user_id")
        if not uow.assignments.remove(case.id, user_id):
            raise InvalidValue("Diese Person ist dem Fall nicht zugeteilt.", "user_id")
        return None, CaseAct("Zuteilung aufgehoben.", _CORE)

    act_on_case(
        uow, ctx, case_id, "assignments.remove", AuditAction.CHANGE, work, permission=Permission.CASE_ASSIGN
    )
