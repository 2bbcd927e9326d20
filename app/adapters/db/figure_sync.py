"""Keeps the figures' metadata in step with a saved case: called by the case repository.

Only adds and updates: a case loaded for a caller who may not see some items (measures of another
institution, say) must not erase their metadata on save.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureSegmentRow
from app.adapters.db.models import InstitutionRow
from app.domain.cases import SharedCase
from app.domain.institutions import InstitutionKind


def record_figure_metadata(
    session: Session, case: SharedCase, kind_of: KindOf | None = None, *, new: bool = False
) -> None:
    """`kind_of`: the institutions' kinds (the process's directory), else read here; `new`: the case
    was added in this unit of work, so it has no metadata yet and nothing is looked up."""
    row = None if new else session.get(FigureCaseRow, case.id)
    if row is None:
        row = FigureCaseRow(case_id=case.id, preventive=False)
        session.add(row)
    row.opened_on = case.opened_on
    row.reassessment_interval_months = case.reassessment_interval_months
    if row.region_institution_id is None:
        row.region_institution_id = _sozialregion(session, case, kind_of)
    if case.closure is not None:
        row.closed_on = case.closure.closed_on
        row.closure_reason = case.closure.reason.value
    if case.follow_up is not None and case.follow_up.result is not None:
        row.follow_up_completed_on = case.follow_up.completed_on
        row.follow_up_result = case.follow_up.result.value
    _sync_segments(session, case, new)
    _sync_measures(session, case, new)
    session.flush()  # the session does not autoflush; a second save in this transaction must see these


KindOf = Callable[[uuid.UUID], "InstitutionKind | None"]


def _sozialregion(session: Session, case: SharedCase, kind_of: KindOf | None) -> uuid.UUID | None:
    """The lead institution if it is a Sozialdienst, else the first participating Sozialdienst."""
    ids = [case.lead_institution_id, *(p.institution_id for p in case.participations)]
    if kind_of is None:
        query = select(InstitutionRow.id, InstitutionRow.kind).where(InstitutionRow.id.in_(set(ids)))
        kinds = {institution_id: InstitutionKind(kind) for institution_id, kind in session.execute(query)}
        kind_of = kinds.get
    return next((i for i in ids if kind_of(i) is InstitutionKind.SOZIALDIENST), None)


def _sync_segments(session: Session, case: SharedCase, new: bool) -> None:
    known = (
        set()
        if new
        else set(session.scalars(select(FigureSegmentRow.id).where(FigureSegmentRow.case_id == case.id)))
    )
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
