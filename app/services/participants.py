"""Use cases on who works on a case: participants, their references, the lead."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.cases import SharedCase
from app.domain.cases.process_rules import LEAD_NEEDS_ACCEPTANCE, RuleConflict
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, InvariantViolation
from app.services import invitations
from app.services.access.case_work import CaseChange, change_case, require_lead
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

_CHANGE = CaseChange((DataCategory.FALLFUEHRUNG,))


def add_participant(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    institution_id: uuid.UUID,
    local_reference: str,
    joined_on: date | None,
) -> CaseView:
    """The lead institution invites another institution into the case; it takes part once it has
    accepted (invitation, not conscription). `joined_on` is the day it accepts."""
    if joined_on is not None and joined_on != ctx.today:
        raise InvalidValue("Eine Stelle tritt am Tag bei, an dem sie die Einladung annimmt.", "joined_on")
    return invitations.invite_institution(
        uow, ctx, case_id, expected_version, institution_id, local_reference
    )


def change_local_reference(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
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
    expected_version: VersionTag | None,
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
    expected_version: VersionTag | None,
    institution_id: uuid.UUID,
    contact_person_id: uuid.UUID | None,
) -> CaseView:
    """A direct change of the lead is refused: the receiving institution accepts a hand-over proposed
    with a note (`invitations.propose_lead_handover`)."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        raise RuleConflict(LEAD_NEEDS_ACCEPTANCE, "institution_id")

    return change_case(uow, ctx, case_id, expected_version, "lead.hand_over", mutate)
