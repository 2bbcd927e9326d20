"""Use cases on who works on a case: participants, their references, the lead."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, InvariantViolation
from app.services.access.case_work import CaseChange, change_case, require_lead
from app.services.case_view import CaseView
from app.services.cases import resolve_contact_person
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

_CHANGE = CaseChange((DataCategory.FALLFUEHRUNG,))


def add_participant(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    institution_id: uuid.UUID,
    local_reference: str,
    joined_on: date | None,
) -> CaseView:
    """The lead institution brings another institution into the case."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        institution = uow.institutions.get(institution_id)
        if institution is None or not institution.active:
            raise InvalidValue("Diese Stelle gibt es nicht.", "institution_id")
        case.add_participant(institution.id, local_reference, joined_on or ctx.today, ctx.today)
        return _CHANGE

    return change_case(uow, ctx, case_id, expected_version, "participants.add", mutate)


def change_local_reference(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    institution_id: uuid.UUID,
    local_reference: str,
) -> CaseView:
    """Each institution keeps its own reference number up to date, and only its own."""

    def mutate(case: SharedCase) -> CaseChange:
        if institution_id != ctx.principal.institution_id:
            raise InvariantViolation("Das Aktenzeichen kann nur die eigene Stelle ändern.", "institution_id")
        case.change_local_reference(institution_id, local_reference)
        return _CHANGE

    return change_case(uow, ctx, case_id, expected_version, "participants.change_reference", mutate)


def remove_participant(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    institution_id: uuid.UUID,
    left_on: date | None,
) -> CaseView:
    """An institution leaves the case, or the lead ends its participation."""

    def mutate(case: SharedCase) -> CaseChange:
        if institution_id != ctx.principal.institution_id:
            require_lead(case, ctx)
        case.remove_participant(institution_id, left_on or ctx.today, ctx.today)
        return _CHANGE

    return change_case(uow, ctx, case_id, expected_version, "participants.remove", mutate)


def hand_over_lead(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    institution_id: uuid.UUID,
    contact_person_id: uuid.UUID | None,
) -> CaseView:
    """The current lead hands the Fallführung to another participant."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        case.hand_over_lead(institution_id, resolve_contact_person(uow, contact_person_id))
        return _CHANGE

    return change_case(uow, ctx, case_id, expected_version, "lead.hand_over", mutate)
