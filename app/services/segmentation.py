"""Use cases on segmentation and the end of intake."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.cases import NoteKind, Segment, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.services.access.case_work import CaseChange, change_case, require_lead
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.free_texts import optional_note
from app.services.ports import UnitOfWork


def assess_segment(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    segment: Segment,
    assessed_on: date | None,
    reason: str,
    reason_category: DataCategory | None = None,
) -> CaseView:
    """The lead institution (re-)assesses the segment; a change of segment needs a reason, filed under
    the category its author chose (default: the own institution's)."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        note = optional_note(uow, ctx, NoteKind.SEGMENT_REASON, reason, reason_category)
        entry = case.assess_segment(
            segment=segment,
            assessed_on=assessed_on or ctx.today,
            reason=note,
            institution_id=ctx.principal.institution_id,
            recorded_by=ctx.principal.id,
            now=ctx.now,
        )
        if note is None:
            return CaseChange((DataCategory.FALLFUEHRUNG,), (entry.id,))
        return CaseChange((DataCategory.FALLFUEHRUNG, note.category), (entry.id, note.id))

    return change_case(uow, ctx, case_id, expected_version, "segment.assess", mutate)


def activate_case(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, expected_version: VersionTag | None
) -> CaseView:
    """The lead institution ends the intake once the case is segmented."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        case.activate()
        return CaseChange((DataCategory.FALLFUEHRUNG,))

    return change_case(uow, ctx, case_id, expected_version, "cases.activate", mutate)
