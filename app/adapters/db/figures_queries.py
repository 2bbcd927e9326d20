"""Reading the figures' metadata: plain SQL over the metadata tables and the case skeleton.

No sealed column is selected and no key store is touched, so computing figures can never decrypt
anything. Participation of the RAV and the IV is aggregated in SQL.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import case as when
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureRegionRow, FigureSegmentRow
from app.adapters.db.models import InstitutionRow, ParticipationRow
from app.domain.cases import ClosureReason, FollowUpResult, MeasureKind, Segment, SharedCase
from app.domain.figures.facts import AssistanceKind, CaseFacts, CostBearer, ResidenceStatus
from app.domain.figures.records import NO_REGION, FigureCase, FigureMeasure, FigureSegment, cohort_of
from app.domain.institutions import InstitutionKind

_NONE = (NO_REGION, cohort_of(None))


class SqlFigureStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- recorded facts ----------------------------------------------------------------------------

    def facts(self, case_id: uuid.UUID) -> CaseFacts:
        row = self._session.get(FigureCaseRow, case_id)
        if row is None:
            return CaseFacts()
        return CaseFacts(
            residence_status=ResidenceStatus(row.residence_status) if row.residence_status else None,
            assistance_kind=AssistanceKind(row.assistance_kind) if row.assistance_kind else None,
            support_start_on=row.support_start_on,
            support_end_on=row.support_end_on,
            preventive=row.preventive,
            employed=row.employed,
        )

    def save_facts(self, case: SharedCase, facts: CaseFacts) -> None:
        row = self._session.get(FigureCaseRow, case.id)
        if row is None:  # a case saved before the figures existed
            row = FigureCaseRow(
                case_id=case.id,
                opened_on=case.opened_on,
                reassessment_interval_months=case.reassessment_interval_months,
                preventive=False,
            )
            self._session.add(row)
            self._session.flush()
        row.residence_status = facts.residence_status.value if facts.residence_status else None
        row.assistance_kind = facts.assistance_kind.value if facts.assistance_kind else None
        row.support_start_on = facts.support_start_on
        row.support_end_on = facts.support_end_on
        row.preventive = facts.preventive
        row.employed = facts.employed

    def set_dff_introduction(self, institution_id: uuid.UUID, introduced_on: date | None) -> None:
        row = self._session.get(FigureRegionRow, institution_id)
        if row is None:
            row = FigureRegionRow(institution_id=institution_id)
            self._session.add(row)
        row.dff_introduced_on = introduced_on

    # -- the figures' input ------------------------------------------------------------------------

    def cases(self, period_start: date, period_end: date) -> list[FigureCase]:
        """Every case that can count in the period, as groups and dates."""
        relevant = (FigureCaseRow.opened_on <= period_end) & or_(
            FigureCaseRow.closed_on.is_(None),
            FigureCaseRow.closed_on >= period_start,
            FigureCaseRow.follow_up_completed_on >= period_start,
        )
        regions = {
            institution_id: (name, cohort_of(introduced_on))
            for institution_id, name, introduced_on in self._session.execute(
                select(InstitutionRow.id, InstitutionRow.name, FigureRegionRow.dff_introduced_on)
                .outerjoin(FigureRegionRow, FigureRegionRow.institution_id == InstitutionRow.id)
                .where(InstitutionRow.kind == InstitutionKind.SOZIALDIENST.value)
            )
        }
        chosen = select(FigureCaseRow.case_id).where(relevant)
        participation = dict(self._participation(chosen))
        segments: dict[uuid.UUID, list[FigureSegment]] = defaultdict(list)
        for case_id, assessed_on, segment in self._session.execute(
            select(FigureSegmentRow.case_id, FigureSegmentRow.assessed_on, FigureSegmentRow.segment)
            .where(FigureSegmentRow.case_id.in_(chosen))
            .order_by(FigureSegmentRow.case_id, FigureSegmentRow.assessed_on)
        ):
            segments[case_id].append(FigureSegment(assessed_on, Segment(segment)))
        measures: dict[uuid.UUID, list[FigureMeasure]] = defaultdict(list)
        for case_id, start_on, kind, bearer in self._session.execute(
            select(
                FigureMeasureRow.case_id,
                FigureMeasureRow.start_on,
                FigureMeasureRow.kind,
                FigureMeasureRow.cost_bearer,
            ).where(FigureMeasureRow.case_id.in_(chosen), FigureMeasureRow.start_on <= period_end)
        ):
            measures[case_id].append(
                FigureMeasure(start_on, MeasureKind(kind), CostBearer(bearer) if bearer else None)
            )
        found = []
        for row in self._session.execute(select(FigureCaseRow).where(relevant)).scalars():
            region, cohort = (
                regions.get(row.region_institution_id, _NONE) if row.region_institution_id else _NONE
            )
            with_rav, with_iv = participation.get(row.case_id, (False, False))
            found.append(
                FigureCase(
                    region=region,
                    cohort=cohort,
                    opened_on=row.opened_on,
                    segments=tuple(segments.get(row.case_id, ())),
                    reassessment_interval_months=row.reassessment_interval_months,
                    closed_on=row.closed_on,
                    closure_reason=ClosureReason(row.closure_reason) if row.closure_reason else None,
                    follow_up_completed_on=row.follow_up_completed_on,
                    follow_up_result=FollowUpResult(row.follow_up_result) if row.follow_up_result else None,
                    with_rav=with_rav,
                    with_iv=with_iv,
                    residence_status=ResidenceStatus(row.residence_status) if row.residence_status else None,
                    assistance_kind=AssistanceKind(row.assistance_kind) if row.assistance_kind else None,
                    support_start_on=row.support_start_on,
                    support_end_on=row.support_end_on,
                    preventive=row.preventive,
                    employed=row.employed,
                    measures=tuple(measures.get(row.case_id, ())),
                )
            )
        return found

    def _participation(self, chosen: object) -> list[tuple[uuid.UUID, tuple[bool, bool]]]:
        rav = func.max(when((InstitutionRow.kind == InstitutionKind.RAV.value, 1), else_=0))
        iv = func.max(when((InstitutionRow.kind == InstitutionKind.IV.value, 1), else_=0))
        query = (
            select(ParticipationRow.case_id, rav, iv)
            .join(InstitutionRow, InstitutionRow.id == ParticipationRow.institution_id)
            .where(ParticipationRow.case_id.in_(chosen))  # type: ignore[arg-type]
            .group_by(ParticipationRow.case_id)
        )
        return [(case_id, (bool(r), bool(i))) for case_id, r, i in self._session.execute(query)]
