"""Counts of how the process is kept, per Sozialregion, from structured columns only (no content)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.db.models import AuditEventRow, CaseRow, InstitutionRow, ParticipationRow
from app.domain.cases import CasePhase
from app.domain.institutions import InstitutionKind
from app.domain.supervision import RegionProcessCounts

HELD_CONFERENCE_OPERATIONS = ("conferences.record", "conferences.minutes")


class SqlSupervisionQueries:
    def __init__(self, session: Session) -> None:
        self._session = session

    def process_counts(self, today: date, intake_segment_days: int) -> list[RegionProcessCounts]:
        regions = {
            row.id: RegionProcessCounts(row.id)
            for row in self._session.scalars(
                select(InstitutionRow).where(InstitutionRow.kind == InstitutionKind.SOZIALDIENST.value)
            )
        }
        region_of = self._region_of_cases(set(regions))
        archived = CasePhase.ARCHIVED.value
        for row in self._session.execute(
            select(
                CaseRow.id,
                CaseRow.phase,
                CaseRow.current_segment,
                CaseRow.opened_on,
                CaseRow.reassessment_due_on,
                CaseRow.case_ends_on,
            ).where(CaseRow.phase != archived)
        ):
            counts = regions.get(region_of.get(row.id, uuid.UUID(int=0)))
            if counts is None:
                continue
            if row.phase in (CasePhase.INTAKE.value, CasePhase.ACTIVE.value):
                counts.open_cases += 1
                _count(
                    counts,
                    "overdue_reassessments",
                    row.id,
                    row.reassessment_due_on is not None and row.reassessment_due_on < today,
                )
                _count(
                    counts,
                    "intakes_without_segment",
                    row.id,
                    row.phase == CasePhase.INTAKE.value
                    and row.current_segment is None
                    and row.opened_on + timedelta(days=intake_segment_days) < today,
                )
            follow_up = row.phase in (CasePhase.CLOSED.value, CasePhase.FOLLOW_UP.value)
            _count(
                counts,
                "missed_follow_ups",
                row.id,
                follow_up and row.case_ends_on is not None and row.case_ends_on < today,
            )
        held = select(AuditEventRow.case_id).where(
            AuditEventRow.operation.in_(HELD_CONFERENCE_OPERATIONS), AuditEventRow.outcome == "allowed"
        )
        for case_id in self._session.scalars(held):
            counts = regions.get(region_of.get(case_id, uuid.UUID(int=0))) if case_id else None
            if counts is not None:
                counts.conferences_held += 1
        return sorted(regions.values(), key=lambda c: str(c.region_institution_id))

    def _region_of_cases(self, sozialdienste: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """A case belongs to the region of its lead Sozialdienst, or else of a Sozialdienst taking part."""
        found: dict[uuid.UUID, uuid.UUID] = {}
        for case_id, lead in self._session.execute(select(CaseRow.id, CaseRow.lead_institution_id)):
            if lead in sozialdienste:
                found[case_id] = lead
        query = select(ParticipationRow.case_id, ParticipationRow.institution_id).order_by(
            ParticipationRow.joined_on
        )
        for case_id, institution_id in self._session.execute(query):
            if institution_id in sozialdienste:
                found.setdefault(case_id, institution_id)
        return found


def _count(counts: RegionProcessCounts, name: str, case_id: uuid.UUID, hit: bool) -> None:
    if hit:
        setattr(counts, name, getattr(counts, name) + 1)
        counts.case_ids.setdefault(name, []).append(case_id)
