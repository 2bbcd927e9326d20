"""Writes a synthetic canton in bulk (multi-row inserts in batches), for trying and measuring the
figures. The synthetic persons have no data key and no Stammdaten: the service treats them like
persons whose data was destroyed, so no page or API answer can show anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.adapters.db.figure_models import FigureCaseRow, FigureMeasureRow, FigureRegionRow, FigureSegmentRow
from app.adapters.db.models import CaseRow, InstitutionRow, ParticipationRow, PersonRow
from app.domain.cases import CasePhase
from app.domain.dates import add_months
from app.domain.figures.synthetic import SyntheticCase

BATCH = 5_000


def institution_ids(session: Session, codes: Sequence[str]) -> dict[str, uuid.UUID]:
    rows = session.execute(
        select(InstitutionRow.code, InstitutionRow.id).where(InstitutionRow.code.in_(codes))
    )
    return {code: institution_id for code, institution_id in rows}


def set_introductions(session: Session, introductions: dict[uuid.UUID, date]) -> None:
    for institution_id, introduced_on in introductions.items():
        row = session.get(FigureRegionRow, institution_id)
        if row is None:
            session.add(FigureRegionRow(institution_id=institution_id, dff_introduced_on=introduced_on))
        else:
            row.dff_introduced_on = introduced_on
    session.flush()


def insert_synthetic_cases(
    session: Session,
    cases: Sequence[SyntheticCase],
    regions: dict[str, uuid.UUID],
    rav: uuid.UUID,
    iv: uuid.UUID,
) -> None:
    now = datetime.now(UTC)
    for chunk in _chunks(cases):
        _insert(session, PersonRow.__table__, [_person(c, regions, now) for c in chunk])
        _insert(session, CaseRow.__table__, [_case(c, regions, now) for c in chunk])
        _insert(
            session,
            ParticipationRow.__table__,
            [p for c in chunk for p in _participations(c, regions, rav, iv)],
        )
        _insert(session, FigureCaseRow.__table__, [_figure_case(c, regions) for c in chunk])
        _insert(
            session,
            FigureSegmentRow.__table__,
            [
                {"id": i, "case_id": c.case_id, "assessed_on": s.assessed_on, "segment": s.segment.value}
                for c in chunk
                for i, s in zip(c.segment_ids, c.segments, strict=True)
            ],
        )
        _insert(
            session,
            FigureMeasureRow.__table__,
            [
                {
                    "id": i,
                    "case_id": c.case_id,
                    "kind": m.kind.value,
                    "cost_bearer": m.cost_bearer.value if m.cost_bearer else None,
                    "start_on": m.start_on,
                }
                for c in chunk
                for i, m in zip(c.measure_ids, c.measures, strict=True)
            ],
        )


def _chunks(cases: Sequence[SyntheticCase]) -> Iterator[Sequence[SyntheticCase]]:
    for start in range(0, len(cases), BATCH):
        yield cases[start : start + BATCH]


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY (an order of magnitude faster than multi-row INSERTs); elsewhere INSERT."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    driver = connection.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _person(case: SyntheticCase, regions: dict[str, uuid.UUID], now: datetime) -> dict[str, Any]:
    return {
        "id": case.person_id,
        "registered_by_institution_id": regions[case.region_code],
        "sealed_data": b"",
        "ahvn13_index": None,
        "name_index": None,
        "family_name_index": None,
        "index_version": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _phase(case: SyntheticCase) -> CasePhase:
    if case.closed_on is None:
        return CasePhase.ACTIVE if case.segments else CasePhase.INTAKE
    detached = case.closure_reason is not None and case.closure_reason.is_detachment
    return CasePhase.CLOSED if detached and case.follow_up_result is None else CasePhase.ARCHIVED


def _case(case: SyntheticCase, regions: dict[str, uuid.UUID], now: datetime) -> dict[str, Any]:
    phase = _phase(case)
    last = case.segments[-1] if case.segments else None
    return {
        "id": case.case_id,
        "person_id": case.person_id,
        "phase": phase.value,
        "lead_institution_id": regions[case.region_code],
        "contact_person_user_id": None,
        "opened_on": case.opened_on,
        "reassessment_interval_months": 6,
        "current_segment": last.segment.value if last else None,
        "reassessment_due_on": add_months(last.assessed_on, 6) if last and phase.is_open else None,
        "case_ends_on": add_months(case.closed_on, 6) if case.closed_on else None,  # end of the follow-up
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _participations(
    case: SyntheticCase, regions: dict[str, uuid.UUID], rav: uuid.UUID, iv: uuid.UUID
) -> list[dict[str, Any]]:
    members = [regions[case.region_code]] + [rav] * case.with_rav + [iv] * case.with_iv
    return [
        {
            "id": uuid.uuid4(),
            "case_id": case.case_id,
            "institution_id": institution_id,
            "local_reference": "SYNTH",
            "joined_on": case.opened_on,
            "left_on": None,
        }
        for institution_id in members
    ]


def _figure_case(case: SyntheticCase, regions: dict[str, uuid.UUID]) -> dict[str, Any]:
    return {
        "case_id": case.case_id,
        "region_institution_id": regions[case.region_code],
        "opened_on": case.opened_on,
        "reassessment_interval_months": 6,
        "closed_on": case.closed_on,
        "closure_reason": case.closure_reason.value if case.closure_reason else None,
        "follow_up_completed_on": case.follow_up_completed_on,
        "follow_up_result": case.follow_up_result.value if case.follow_up_result else None,
        "residence_status": case.residence_status.value,
        "assistance_kind": case.assistance_kind.value if case.assistance_kind else None,
        "support_start_on": case.support_start_on,
        "support_end_on": case.closed_on if case.support_start_on else None,
        "preventive": case.preventive,
        "employed": case.employed,
    }
