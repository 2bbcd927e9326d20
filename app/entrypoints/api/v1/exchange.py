"""Exchange with the institutions' own systems: batch import and case export in their formats."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.bootstrap import institution_formats
from app.domain.exchange import ImportLimits
from app.domain.institutions import InstitutionKind
from app.entrypoints.api.deps import Context, Uow, get_container
from app.entrypoints.api.problems import ProblemError
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.dossier_export import export_case
from app.services.dossier_import import ImportOptions, ImportReport, RecordOutcome, import_file
from app.services.ports import InstitutionFormat

router = APIRouter(prefix="/exchange", tags=["Austausch mit Fachsystemen"])


class RecordResultOut(Out):
    location: str
    outcome: RecordOutcome
    message: str | None = None
    local_reference: str | None = None
    person_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    candidate_person_ids: list[uuid.UUID] | None = None


class ImportReportOut(Out):
    dry_run: bool
    summary: dict[str, int]
    results: list[RecordResultOut]

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        results = []
        for r in report.results:
            fields: dict[str, object] = {"location": r.location, "outcome": r.outcome}
            optional = {
                "message": r.message,
                "local_reference": r.local_reference,
                "person_id": r.person_id,
                "case_id": r.case_id,
                "candidate_person_ids": list(r.candidate_person_ids),
            }
            fields.update({key: value for key, value in optional.items() if value})
            results.append(RecordResultOut.model_validate(fields))
        return cls(dry_run=report.dry_run, summary=report.summary(), results=results)


_FORMATS = institution_formats()


def _format(kind: InstitutionKind) -> InstitutionFormat:
    if kind not in _FORMATS:
        raise ProblemError("not-found", "Für diese Art von Stelle gibt es kein Austauschformat.")
    return _FORMATS[kind]


@router.post(
    "/{kind}/imports",
    response_model=ImportReportOut,
    responses=problems(403, 404, 413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_records(
    request: Request,
    kind: InstitutionKind,
    uow: Uow,
    ctx: Context,
    dry_run: Annotated[bool, Query(description="Nur prüfen, nichts speichern.")] = False,
    confirm_new_persons: Annotated[
        bool,
        Query(
            description="Neue Person anlegen, obwohl eine Person mit gleichem Namen und Geburtsdatum besteht."
        ),
    ] = False,
) -> JSONResponse:
    """Datensätze aus dem Fachsystem der eigenen Stelle übernehmen (RAV: XML, IV: JSON,
    Sozialdienst: CSV). Jeder Datensatz wird für sich übernommen oder mit Fehler gemeldet;
    ein zweiter Import derselben Datei ändert nichts."""
    fmt = _format(kind)
    settings = get_container(request).settings
    payload = await request.body()
    options = ImportOptions(
        dry_run=dry_run,
        confirm_new_persons=confirm_new_persons,
        default_interval_months=settings.reassessment_interval_months,
        limits=ImportLimits(settings.import_max_bytes, settings.import_max_records),
    )
    report = await run_in_threadpool(import_file, uow, ctx, fmt, payload, options)
    return json_response(ImportReportOut.of(report))


@router.get(
    "/{kind}/cases/{case_id}",
    responses={
        200: {
            "description": "Der Fall im Format der Stelle",
            "content": {"application/xml": {}, "application/json": {}, "text/csv": {}},
        },
        **problems(403, 404),
    },
)
def export(kind: InstitutionKind, case_id: uuid.UUID, uow: Uow, ctx: Context) -> Response:
    """Den Fall im Format der eigenen Stelle abrufen: nur, was die Stelle sehen darf.
    Jeder Abruf wird als Bekanntgabe an die Stelle protokolliert."""
    fmt = _format(kind)
    body = export_case(uow, ctx, fmt, case_id)
    return Response(body, media_type=fmt.media_type)
