"""Data-protection review of the audit log (DPO only): search, anomalies, the client's Auskunft."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.bootstrap import access_report_pdf
from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditEvent
from app.domain.audit_review import AuditQuery
from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.problems import ProblemError
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.audit import (
    AccessReportIn,
    AccessReportOut,
    AnomaliesIn,
    AnomaliesOut,
    AuditEventOut,
    AuditEventsOut,
    AuditSearchIn,
    ListFormat,
    ReportFormat,
)
from app.services import audit_review as service

router = APIRouter(prefix="/audit", tags=["Datenschutzaufsicht"])

CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_kind",
    "actor_name",
    "institution_id",
    "roles",
    "action",
    "operation",
    "outcome",
    "reason",
    "correlation_id",
    "case_id",
    "person_id",
    "categories",
    "withheld_categories",
    "bases",
    "purpose",
    "recipient_institution_id",
    "record_ids",
]
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "Erfolg (JSON oder CSV)"}
}


_PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "Erfolg (JSON oder PDF)"}
}


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    # A spreadsheet must not take a cell for a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(rows: Iterable[dict[str, object]], columns: list[str], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _event_rows(events: Iterable[AuditEvent]) -> Iterable[dict[str, object]]:
    return (AuditEventOut.of(e).model_dump(mode="json") for e in events)


@router.post(
    "/events/search", response_model=AuditEventsOut, responses={**problems(403, 404, 422), **_CSV_RESPONSE}
)
def search_events(body: AuditSearchIn, uow: Uow, ctx: Context) -> Response:
    """Das Protokoll durchsuchen (nur Datenschutzaufsicht). Person über AHV-Nummer oder pseudonyme id.

    POST, damit die AHV-Nummer in keiner URL steht. Die Suche selbst wird protokolliert.
    """
    query = AuditQuery(
        person_id=body.person_id,
        actor_id=body.actor_id,
        actor_name=body.actor_name,
        institution_id=body.institution_id,
        action=body.action,
        outcome=body.outcome,
        occurred_from=body.occurred_from,
        occurred_to=body.occurred_to,
        limit=body.limit,
    )
    ahvn13 = Ahvn13.parse(body.ahvn13) if body.ahvn13 else None
    events = service.search_events(uow, ctx, query, ahvn13)
    if body.format is ListFormat.CSV:
        return _csv(_event_rows(events), CSV_COLUMNS, "audit-protokoll.csv")
    return json_response(AuditEventsOut(events=[AuditEventOut.of(e) for e in events]))


@router.post("/anomalies", response_model=AnomaliesOut, responses={**problems(403, 422), **_CSV_RESPONSE})
def anomalies(body: AnomaliesIn, uow: Uow, ctx: Context) -> Response:
    """Anomaliebericht für einen Zeitraum; jede Anomalie verweist auf ihre Ereignisse."""
    if body.occurred_to <= body.occurred_from:
        raise ProblemError(
            "validation",
            "Das Ende muss nach dem Beginn liegen.",
            [{"detail": "Das Ende muss nach dem Beginn liegen.", "pointer": "#/occurred_to"}],
        )
    found, events = service.anomaly_report(uow, ctx, body.occurred_from, body.occurred_to)
    out = AnomaliesOut.of(found, events)
    if body.format is ListFormat.CSV:
        rows = ({**a.model_dump(mode="json")} for a in out.anomalies)
        columns = ["kind", "description", "actor_id", "actor_name", "institution_id", "first_at", "event_ids"]
        return _csv(rows, columns, "audit-anomalien.csv")
    return json_response(out)


@router.post(
    "/access-reports",
    response_model=AccessReportOut,
    responses={**problems(403, 404, 422), **_PDF_RESPONSE},
)
def access_report(body: AccessReportIn, request: Request, uow: Uow, ctx: Context) -> Response:
    """Auskunft für eine Person (Art. 25 DSG) als JSON oder PDF; ohne Namen von Mitarbeitenden,
    sofern nicht ausdrücklich verlangt. Die Erstellung wird protokolliert."""
    if body.ahvn13 is None and body.person_id is None:
        raise ProblemError(
            "validation",
            "AHV-Nummer oder Personen-id angeben.",
            [{"detail": "AHV-Nummer oder Personen-id angeben.", "pointer": "#/ahvn13"}],
        )
    report = service.access_report(
        uow,
        ctx,
        ahvn13=Ahvn13.parse(body.ahvn13) if body.ahvn13 else None,
        person_id=body.person_id,
        include_staff=body.include_staff_names,
        retention_days=request.app.state.container.settings.audit_retention_days,
    )
    if body.format is ReportFormat.PDF:
        return Response(
            access_report_pdf(report),
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="auskunft.pdf"',
                "Cache-Control": "no-store",
            },
        )
    return json_response(AccessReportOut.of(report))
