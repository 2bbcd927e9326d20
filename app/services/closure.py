"""Use cases closing a case, the follow-up six months later, and archiving."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.cases import ClosureReason, EarlyEnd, FollowUpResult, NoteKind, ProcessNote, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.services.access.case_work import CaseChange, change_case, require_lead
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.free_texts import optional_note
from app.services.ports import UnitOfWork

_CLOSURE_CHANGE = CaseChange((DataCategory.FALLFUEHRUNG, DataCategory.INTEGRATIONSPLAN))
_FOLLOW_UP_CHANGE = CaseChange((DataCategory.FALLFUEHRUNG,))


def close_case(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    reason: ClosureReason,
    closed_on: date | None,
    note: str,
    remaining: str = "",
    note_category: DataCategory | None = None,
) -> CaseView:
    """The lead institution closes the case; its own open measures end with it (the other
    institutions' measures are theirs to end). A Teilablösung records what remains. The note and
    what remains are filed under the category their author chose (default: the own institution's)."""

    def mutate(case: SharedCase) -> CaseChange:
        texts = [
            optional_note(uow, ctx, NoteKind.CLOSURE, note, note_category),
            optional_note(uow, ctx, NoteKind.REMAINING, remaining, note_category),
        ]
        case.close(
            reason=reason,
            closed_on=closed_on or ctx.today,
            note=texts[0],
            institution_id=ctx.principal.institution_id,
            recorded_by=ctx.principal.id,
            today=ctx.today,
            remaining=texts[1],
        )
        return _with_notes(_CLOSURE_CHANGE, texts)

    return change_case(uow, ctx, case_id, expected_version, "closure.close", mutate)


def start_follow_up(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    started_on: date | None,
) -> CaseView:
    """The lead institution begins the Nachbetreuung after closure."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        case.start_follow_up(started_on or ctx.today, ctx.today)
        return _FOLLOW_UP_CHANGE

    return change_case(uow, ctx, case_id, expected_version, "follow_up.start", mutate)


def complete_follow_up(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    result: FollowUpResult,
    completed_on: date | None,
    note: str,
    early_end: EarlyEnd | None = None,
    note_category: DataCategory | None = None,
) -> CaseView:
    """The lead institution records whether the detachment was sustainable; the case is archived.
    Before the six months are over only with a documented early end (Wegzug, Tod, neue Unterstützung)."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        text = optional_note(uow, ctx, NoteKind.FOLLOW_UP, note, note_category)
        case.complete_follow_up(result, completed_on or ctx.today, text, ctx.today, early_end)
        return _with_notes(_FOLLOW_UP_CHANGE, [text])

    return change_case(uow, ctx, case_id, expected_version, "follow_up.complete", mutate)


def archive_case(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, expected_version: VersionTag | None
) -> CaseView:
    """The lead institution archives a closed case without pending follow-up."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        case.archive()
        return _FOLLOW_UP_CHANGE

    return change_case(uow, ctx, case_id, expected_version, "cases.archive", mutate)


def _with_notes(change: CaseChange, notes: list[ProcessNote | None]) -> CaseChange:
    written = [n for n in notes if n is not None]
    categories = tuple(dict.fromkeys([*change.categories, *(n.category for n in written)]))
    return CaseChange(categories, (*change.record_ids, *(n.id for n in written)))
