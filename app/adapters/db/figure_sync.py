"""Keeps the figures' metadata in step with a saved case: called by the case repository.

Only adds and updates: a case loaded for a caller who may not see some items (measures of another
institution, say) must not erase their metadata on save.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureSegmentRow
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
    row = None if new else session.get(FigureCaseRow, case.id)
    if row is None:
        row = FigureCaseRow(case_id=case.id, preventive=False)
        session.add(row)
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
    session.flush()  # the session does not autoflush; a second save in this transaction must see these


def _sozialregion(case: SharedCase, kinds: Mapping[uuid.UUID, InstitutionKind]) -> uuid.UUID | None:
    """The lead institution if it is a Sozialdienst, else the first participating Sozialdienst."""
    ids = [case.lead_institution_id, *(p.institution_id for p in case.participations)]
    return next((i for i in ids if kinds.get(i) is InstitutionKind.SOZIALDIENST), None)


def _sync_segments(session: Session, case: SharedCase, new: bool) -> None:
    query = select(FigureSegmentRow.id).where(FigureSegmentRow.case_id == case.id)
    known = set() if new else set(session.scalars(query))
    for entry in case.segment_history:
        if entry.id not in known:
            session.add(
                FigureSegmentRow(
                    id=entry.id, case_id=case.id, assessed_on=entry.assessed_on, segment=entry.segment.value
                )
            )


def _sync_measures(session: Session, case: SharedCase, new: bool) -> None:
    query = select(FigureMeasureRow).where(FigureMeasureRow.case_id == case.id)
    rows = {} if new else {r.id: r for r in session.scalars(query)}
    for measure in case.measures:
        row = rows.get(measure.id)
        if row is None:
            row = FigureMeasureRow(id=measure.id, case_id=case.id)
            session.add(row)
        row.kind = measure.kind.value
        row.cost_bearer = measure.cost_bearer.value if measure.cost_bearer else None
        row.start_on = measure.start_on
