"""Keeps the figures' metadata in step with a saved case: called by the case repository.

Only adds and updates: a case loaded for a caller who may not see some items (measures of another
institution, say) must not erase their metadata on save.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureSegmentRow
from app.adapters.row_writer import rows_of
from app.domain.cases import SharedCase
from app.domain.institutions import InstitutionKind


def record_figure_metadata(
    session: Session,
    case: SharedCase,
    kinds: Callable[[], Mapping[uuid.UUID, InstitutionKind]],
    *,
    new: bool = False,
) -> None:
    """`kinds`: the institutions' kinds (the process's directory), asked only for a case whose
    Sozialregion is not yet recorded; `new`: the case was added in this unit of work, so it has no
    metadata yet and nothing is looked up."""
    rows = rows_of(session)
    row = None if new else session.get(FigureCaseRow, case.id)
    if row is None:
        row = rows.new(FigureCaseRow, case_id=case.id, preventive=False)
    row.opened_on = case.opened_on
    row.reassessment_interval_months = case.reassessment_interval_months
    if row.region_institution_id is None:
        row.region_institution_id = _sozialregion(case, kinds())
    if case.closure is not None:
        row.closed_on = case.closure.closed_on
        row.closure_reason = case.closure.reason.value
    if case.follow_up is not None and case.follow_up.result is not None:
        row.follow_up_completed_on = case.follow_up.completed_on
        row.follow_up_result = case.follow_up.result.value
    _sync_segments(session, case, new)
    _sync_measures(session, case, new)
    rows.flush()  # the session does not autoflush; a second save in this transaction must see these


def _sozialregion(case: SharedCase, kinds: Mapping[uuid.UUID, InstitutionKind]) -> uuid.UUID | None:
    """The lead institution if it is a Sozialdienst, else the first participating Sozialdienst."""
    ids = [case.lead_institution_id, *(p.institution_id for p in case.participations)]
    return next((i for i in ids if kinds.get(i) is InstitutionKind.SOZIALDIENST), None)


_SEGMENTS_OF_CASE = select(FigureSegmentRow.id).where(FigureSegmentRow.case_id == bindparam("case_id"))
_MEASURES_OF_CASE = select(FigureMeasureRow).where(FigureMeasureRow.case_id == bindparam("case_id"))


def _sync_segments(session: Session, case: SharedCase, new: bool) -> None:
    known = set() if new else set(session.scalars(_SEGMENTS_OF_CASE, {"case_id": case.id}))
    for entry in case.segment_history:
        if entry.id not in known:
            rows_of(session).new(
                FigureSegmentRow,
                id=entry.id,
                case_id=case.id,
                assessed_on=entry.assessed_on,
                segment=entry.segment.value,
            )


def _sync_measures(session: Session, case: SharedCase, new: bool) -> None:
    rows = {} if new else {r.id: r for r in session.scalars(_MEASURES_OF_CASE, {"case_id": case.id})}
    for measure in case.measures:
        row = rows.get(measure.id)
        if row is None:
            row = rows_of(session).new(FigureMeasureRow, id=measure.id, case_id=case.id)
        row.kind = measure.kind.value
        row.cost_bearer = measure.cost_bearer.value if measure.cost_bearer else None
        row.start_on = measure.start_on
