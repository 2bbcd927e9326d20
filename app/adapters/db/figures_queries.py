"""Reading the figures' metadata: plain SQL over the metadata tables and the case skeleton.

No sealed column is selected and no key store is touched, so computing figures can never decrypt
anything. Participation of the RAV and the IV is aggregated in SQL.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureRegionRow, FigureSegmentRow
from app.adapters.db.models import InstitutionRow, ParticipationRow
from app.domain.cases import ClosureReason, FollowUpResult, MeasureKind, Segment, SharedCase
from app.domain.figures.facts import AssistanceKind, CaseFacts, CostBearer, ResidenceStatus
from app.domain.figures.records import NO_REGION, FigureCase, FigureMeasure, FigureSegment, cohort_of
from app.domain.institutions import InstitutionKind

_NONE = (NO_REGION, cohort_of(None))
# Enum lookups by value: a dict is faster than the enum constructor over 100,000 rows.
_REASONS = {r.value: r for r in ClosureReason}
_RESULTS = {r.value: r for r in FollowUpResult}
_RESIDENCE = {r.value: r for r in ResidenceStatus}
_ASSISTANCE = {a.value: a for a in AssistanceKind}
_SEGMENTS = {s.value: s for s in Segment}
_KINDS = {k.value: k for k in MeasureKind}
_BEARERS = {b.value: b for b in CostBearer}


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
        """Every case that can count in the period, as groups and dates: one row per case.

        The segment history and the measures come aggregated into one string per case, and the
        participation of the RAV and the IV as two flags, so no identifier ever reaches Python.
        """
        relevant = (FigureCaseRow.opened_on <= period_end) & or_(
            FigureCaseRow.closed_on.is_(None),
            FigureCaseRow.closed_on >= period_start,
            FigureCaseRow.follow_up_completed_on >= period_start,
        )
        segments = (
            select(
                FigureSegmentRow.case_id,
                func.aggregate_strings(
                    FigureSegmentRow.segment + cast(FigureSegmentRow.assessed_on, String), ","
                ).label("history"),
            )
            .group_by(FigureSegmentRow.case_id)
            .subquery()
        )
        measures = (
            select(
                FigureMeasureRow.case_id,
                func.aggregate_strings(
                    FigureMeasureRow.kind
                    + ":"
                    + func.coalesce(FigureMeasureRow.cost_bearer, "")
                    + ":"
                    + cast(FigureMeasureRow.start_on, String),
                    ",",
                ).label("started"),
            )
            .where(FigureMeasureRow.start_on <= period_end)
            .group_by(FigureMeasureRow.case_id)
            .subquery()
        )
        participation = self._participation()
        query = (
            select(
                InstitutionRow.name,
                FigureRegionRow.dff_introduced_on,
                FigureCaseRow.opened_on,
                FigureCaseRow.reassessment_interval_months,
                FigureCaseRow.closed_on,
                FigureCaseRow.closure_reason,
                FigureCaseRow.follow_up_completed_on,
                FigureCaseRow.follow_up_result,
                FigureCaseRow.residence_status,
                FigureCaseRow.assistance_kind,
                FigureCaseRow.support_start_on,
                FigureCaseRow.support_end_on,
                FigureCaseRow.preventive,
                FigureCaseRow.employed,
                participation.c.rav,
                participation.c.iv,
                segments.c.history,
                measures.c.started,
            )
            .select_from(FigureCaseRow)
            .outerjoin(InstitutionRow, InstitutionRow.id == FigureCaseRow.region_institution_id)
            .outerjoin(FigureRegionRow, FigureRegionRow.institution_id == FigureCaseRow.region_institution_id)
            .outerjoin(participation, participation.c.case_id == FigureCaseRow.case_id)
            .outerjoin(segments, segments.c.case_id == FigureCaseRow.case_id)
            .outerjoin(measures, measures.c.case_id == FigureCaseRow.case_id)
            .where(relevant)
        )
        cohorts: dict[date | None, str] = {}
        found = []
        for (
            region,
            introduced_on,
            opened_on,
            interval,
            closed_on,
            reason,
            follow_up_on,
            result,
            residence,
            assistance,
            support_start,
            support_end,
            preventive,
            employed,
            rav,
            iv,
            history,
            started,
        ) in self._session.execute(query):
            cohort = cohorts.get(introduced_on)
            if cohort is None:
                cohort = cohorts[introduced_on] = cohort_of(introduced_on)
            found.append(
                FigureCase(
                    region=region or NO_REGION,
                    cohort=cohort,
                    opened_on=opened_on,
                    segments=_segments(history) if history else (),
                    reassessment_interval_months=interval,
                    closed_on=closed_on,
                    closure_reason=_REASONS[reason] if reason else None,
                    follow_up_completed_on=follow_up_on,
                    follow_up_result=_RESULTS[result] if result else None,
                    with_rav=bool(rav),
                    with_iv=bool(iv),
                    residence_status=_RESIDENCE[residence] if residence else None,
                    assistance_kind=_ASSISTANCE[assistance] if assistance else None,
                    support_start_on=support_start,
                    support_end_on=support_end,
                    preventive=preventive,
                    employed=employed,
                    measures=_measures(started) if started else (),
                )
            )
        return found

    def _participation(self) -> Any:
        rav = func.max(when((InstitutionRow.kind == InstitutionKind.RAV.value, 1), else_=0))
        iv = func.max(when((InstitutionRow.kind == InstitutionKind.IV.value, 1), else_=0))
        return (
            select(ParticipationRow.case_id, rav.label("rav"), iv.label("iv"))
            .join(InstitutionRow, InstitutionRow.id == ParticipationRow.institution_id)
            .where(InstitutionRow.kind.in_((InstitutionKind.RAV.value, InstitutionKind.IV.value)))
            .group_by(ParticipationRow.case_id)
            .subquery()
        )


def _segments(history: str) -> tuple[FigureSegment, ...]:
    """ "A2026-01-05,V2026-07-01" in any order → the history by date (ISO dates sort as text)."""
    parts = sorted(history.split(","), key=lambda part: part[1:11])
    return tuple(FigureSegment(date.fromisoformat(p[1:11]), _SEGMENTS[p[0]]) for p in parts)


def _measures(started: str) -> tuple[FigureMeasure, ...]:
    found = []
    for part in started.split(","):
        kind, bearer, start_on = part.split(":")
        found.append(
            FigureMeasure(
                date.fromisoformat(start_on[:10]), _KINDS[kind], _BEARERS[bearer] if bearer else None
            )
        )
    return tuple(found)
