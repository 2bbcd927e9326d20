"""Supervision (AGS): how each Sozialregion keeps the process, as counts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from app.bootstrap import Container
from app.entrypoints.api.deps import Context, Uow, get_container
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.supervision import process_overview

router = APIRouter(prefix="/supervision", tags=["Aufsicht (AGS)"])


class RegionCountsOut(Out):
    region_institution_id: uuid.UUID
    open_cases: int
    overdue_reassessments: int
    intakes_without_segment: int
    missed_follow_ups: int
    conferences_held: int
    case_ids: dict[str, list[uuid.UUID]] | None = None


class ProcessOverviewOut(Out):
    regions: list[RegionCountsOut]


@router.get("/process", response_model=ProcessOverviewOut, responses=problems(403))
def process(
    uow: Uow,
    ctx: Context,
    container: Annotated[Container, Depends(get_container)],
    drill_down: Annotated[bool, Query(description="Einzelfälle (nur mit gesetzlicher Grundlage)")] = False,
) -> JSONResponse:
    """Je Sozialregion: überfällige Neubeurteilungen, Fallaufnahmen ohne Segment, verpasste
    Nachbetreuungen, durchgeführte Fallkonferenzen – als Zahlen, ohne Personendaten."""
    settings = container.settings
    counts = process_overview(
        uow, ctx, settings.intake_segment_due_days, drill_down, settings.supervision_drill_down_enabled
    )
    regions = []
    for c in counts:
        fields = {
            "region_institution_id": c.region_institution_id,
            "open_cases": c.open_cases,
            "overdue_reassessments": c.overdue_reassessments,
            "intakes_without_segment": c.intakes_without_segment,
            "missed_follow_ups": c.missed_follow_ups,
            "conferences_held": c.conferences_held,
        }
        if drill_down:  # only ever with the legal basis switched on
            fields["case_ids"] = c.case_ids
        regions.append(RegionCountsOut.model_validate(fields))
    return json_response(ProcessOverviewOut(regions=regions))
