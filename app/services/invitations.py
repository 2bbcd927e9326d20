"""Invitation, not conscription: inviting an institution to a case, proposing the lead, and the
invited institution's answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import Invitation, InvitationKind, NoteKind, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.domain.permissions import Permission, permits
from app.services.access.case_work import CaseChange, change_case, require_lead, view_of_new_case
from app.services.access.refusals import refusals_recorded
from app.services.case_view import CaseView
from app.services.cases import resolve_contact_person
from app.services.context import RequestContext
from app.services.errors import CaseNotFound
from app.services.free_texts import author_note
from app.services.ports import UnitOfWork


def _active_institution(uow: UnitOfWork, institution_id: uuid.UUID) -> uuid.UUID:
    institution = uow.institutions.get(institution_id)
    if institution is None or not institution.active:
        raise InvalidValue("Diese Stelle gibt es nicht.", "institution_id")
    return institution.id


def invite_institution(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    institution_id: uuid.UUID,
    local_reference: str = "",
) -> CaseView:
    """The lead institution invites another institution; it takes part once it has accepted."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        invitation = case.invite(
            kind=InvitationKind.PARTICIPATION,
            institution_id=_active_institution(uow, institution_id),
            by_institution_id=ctx.principal.institution_id,
            by_user=ctx.principal.id,
            today=ctx.today,
            local_reference=local_reference,
        )
        return CaseChange((DataCategory.FALLFUEHRUNG,), (invitation.id,))

    return change_case(uow, ctx, case_id, expected_version, "invitations.invite", mutate)


def propose_lead_handover(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    institution_id: uuid.UUID,
    note: str,
    category: DataCategory | None = None,
) -> CaseView:
    """The lead proposes the Fallführung to a participant, with a hand-over note; it stays the lead
    until the receiving institution accepts."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        handover_note = author_note(uow, ctx, NoteKind.HANDOVER, note, category)
        invitation = case.invite(
            kind=InvitationKind.LEAD,
            institution_id=institution_id,
            by_institution_id=ctx.principal.institution_id,
            by_user=ctx.principal.id,
            today=ctx.today,
            note=handover_note,
        )
        return CaseChange(
            (DataCategory.FALLFUEHRUNG, handover_note.category), (invitation.id, handover_note.id)
        )

    return change_case(uow, ctx, case_id, expected_version, "lead.propose", mutate)


def withdraw_invitation(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    invitation_id: uuid.UUID,
) -> CaseView:
    """The inviting institution withdraws an invitation not yet answered."""

    def mutate(case: SharedCase) -> CaseChange:
        case.withdraw_invitation(
            invitation_id, by_institution_id=ctx.principal.institution_id, today=ctx.today
        )
        return CaseChange((DataCategory.FALLFUEHRUNG,), (invitation_id,))

    return change_case(uow, ctx, case_id, expected_version, "invitations.withdraw", mutate)


@dataclass(frozen=True)
class Answer:
    accept: bool
    local_reference: str = ""
    contact_person_id: uuid.UUID | None = None
    reason: str = ""
    category: DataCategory | None = None


def answer_invitation(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    invitation_id: uuid.UUID,
    answer: Answer,
) -> CaseView | None:
    """The invited institution accepts (and takes part, or takes the lead) or declines with a reason.

    Its open invitation is its basis: without one, the answer is the same 404 as for a missing case.
    Returns the case as the institution now sees it, or None after declining (it does not take part)."""
    operation = "invitations.accept" if answer.accept else "invitations.decline"

    def work(case: SharedCase) -> tuple[uuid.UUID, ...]:
        if answer.accept:
            contact = resolve_contact_person(uow, answer.contact_person_id)
            pending = {i.id for i in case.pending_invitations()}
            invitation = case.accept_invitation(
                invitation_id,
                by_institution_id=ctx.principal.institution_id,
                by_user=ctx.principal.id,
                today=ctx.today,
                local_reference=answer.local_reference,
                contact_person=contact,
            )
            # taking the lead lets the former lead's other hand-over proposals lapse: recorded too
            lapsed = [
                i.id for i in case.invitations if i.id in pending and not i.pending and i is not invitation
            ]
            return (invitation.id, *lapsed)
        reason = author_note(uow, ctx, NoteKind.DECLINE, answer.reason, answer.category)
        invitation = case.decline_invitation(
            invitation_id,
            by_institution_id=ctx.principal.institution_id,
            by_user=ctx.principal.id,
            reason=reason,
        )
        return (invitation.id, reason.id)

    return _as_invited(uow, ctx, case_id, invitation_id, operation, work)


def _as_invited(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    invitation_id: uuid.UUID,
    operation: str,
    work: Callable[[SharedCase], tuple[uuid.UUID, ...]],
) -> CaseView | None:
    with uow:
        sealed = uow.cases.load(case_id) if permits(ctx.principal, Permission.CASE_WRITE) else None
        invited = sealed is not None and _own_pending(sealed.case, invitation_id, ctx) is not None
    if not invited:
        # No open invitation of the caller's institution: like any change of the case (a participant
        # hears which rule stops it, anyone else gets the 404 of a missing case).
        def refuse(case: SharedCase) -> CaseChange:
            return CaseChange((DataCategory.FALLFUEHRUNG,), work(case))

        return change_case(uow, ctx, case_id, None, operation, refuse)
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.CHANGE, case_id=case_id), uow:
        # Opened in memory for the domain's rules; the answer shows only what the policy allows.
        case = uow.cases.get(case_id)
        if case is None or _own_pending(case, invitation_id, ctx) is None:
            raise CaseNotFound()  # answered meanwhile
        record_ids = work(case)
        uow.cases.save(case)
        view = view_of_new_case(uow, ctx, case) if case.is_participant(ctx.principal.institution_id) else None
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.CHANGE,
                operation=operation,
                outcome=AuditOutcome.ALLOWED,
                reason="Einladung beantwortet.",
                case_id=case.id,
                person_id=case.person_id,
                categories=(DataCategory.FALLFUEHRUNG,),
                record_ids=record_ids,
                bases=("invitation",),
            )
        )
    return view


def _own_pending(case: SharedCase, invitation_id: uuid.UUID, ctx: RequestContext) -> Invitation | None:
    return next(
        (
            i
            for i in case.pending_invitations()
            if i.id == invitation_id and i.institution_id == ctx.principal.institution_id
        ),
        None,
    )
