"""Cantonal steering figures (Kantonale Steuerung) and the facts the lead institution records."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from app.domain.figures.records import FigureQuery
from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_tag
from app.entrypoints.api.v1.responses import CASE_APPEND_ERRORS, case_response, json_response, problems
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.entrypoints.api.v1.schemas.figures import (
    CaseFactsIn,
    CaseFactsOut,
    DefinitionsOut,
    DffIntroductionIn,
    FigureFormat,
    FiguresOut,
)
from app.entrypoints.figure_files import figures_csv, figures_pdf
from app.services import figures as service
from app.services.figures import FiguresUnitOfWork

router = APIRouter(tags=["Kennzahlen"])

_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "Erfolg (JSON oder CSV)"}
}
_PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "Bericht als PDF"}
}


def figures_uow(uow: Uow) -> FiguresUnitOfWork:
    return uow  # type: ignore[return-value]  # SqlUnitOfWork carries the figure store


def figure_query(
    ctx: Context,
    period_start: Annotated[date | None, Query(description="Beginn des Zeitraums (inklusive)")] = None,
    period_end: Annotated[date | None, Query(description="Ende des Zeitraums (inklusive)")] = None,
    region: Annotated[str | None, Query(max_length=200, description="Sozialregion (Name)")] = None,
    cohort: Annotated[
        str | None, Query(max_length=20, description="Einführungskohorte, z. B. 2026-H1")
    ] = None,
) -> FigureQuery:
    end = period_end or ctx.today
    return FigureQuery(period_start or date(end.year, 1, 1), end, region or None, cohort or None)


Filters = Annotated[FigureQuery, Depends(figure_query)]


@router.get("/figures", response_model=FiguresOut, responses={**problems(403, 422), **_CSV_RESPONSE})
def get_figures(
    request: Request,
    uow: Uow,
    ctx: Context,
    query: Filters,
    format: FigureFormat = FigureFormat.JSON,
) -> Response:
    """Kennzahlen der kantonalen Steuerung (nur Rolle «Kantonale Steuerung»). Jede Zelle zählt keine
    oder mindestens k Personen; unterdrückte Zellen sind `null`. Jede Abfrage wird protokolliert."""
    report = service.figure_report(figures_uow(uow), ctx, query, _k(request))
    if format is FigureFormat.CSV:
        return figures_csv(report)
    return json_response(FiguresOut.of(report))


@router.get("/figures/report.pdf", responses={**problems(403, 422), **_PDF_RESPONSE})
def get_figures_pdf(request: Request, uow: Uow, ctx: Context, query: Filters) -> Response:
    """Der Kennzahlenbericht als PDF (Tabellen, Diagramme, Definitionen, Datum und Datengrundlage)."""
    return figures_pdf(service.figure_report(figures_uow(uow), ctx, query, _k(request)))


@router.get("/figures/definitions", response_model=DefinitionsOut)
def get_definitions(ctx: Context) -> JSONResponse:
    """Die Definitionen aller Kennzahlen (Zähler, Nenner, Zeitraum): zitierbar, ohne Daten; für jede
    angemeldete Stelle."""
    return json_response(DefinitionsOut.current())


@router.put("/figures/regions/{institution_id}", status_code=204, responses=problems(403, 422))
def put_dff_introduction(
    institution_id: uuid.UUID, body: DffIntroductionIn, uow: Uow, ctx: Context
) -> Response:
    """Das Datum, an dem eine Sozialregion die Durchgehende Fallführung eingeführt hat (ihre
    Einführungskohorte); nur Kantonale Steuerung, protokolliert."""
    service.record_dff_introduction(figures_uow(uow), ctx, institution_id, body.dff_introduced_on)
    return Response(status_code=204)


@router.get("/cases/{case_id}/figure-facts", response_model=CaseFactsOut, responses=problems(403, 404))
def get_case_facts(case_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Die für die Kennzahlen erfassten Merkmale des Falls (fallführende Stelle)."""
    _, facts = service.read_case_facts(figures_uow(uow), ctx, case_id)
    return json_response(CaseFactsOut.model_validate(facts))


@router.put("/cases/{case_id}/figure-facts", response_model=CaseOut, responses=CASE_APPEND_ERRORS)
def put_case_facts(
    case_id: uuid.UUID,
    body: CaseFactsIn,
    request: Request,
    uow: Uow,
    ctx: Context,
    if_match: IfMatchHeader = None,
) -> JSONResponse:
    """Aufenthaltsstatus-Gruppe, Art der Sozialhilfe, Beginn und Ende der Unterstützung, präventiver
    Fall und Erwerbstätigkeit festhalten (fallführende Stelle). Grobe Gruppen, keine Identifikatoren."""
    view = service.record_case_facts(
        figures_uow(uow), ctx, case_id, expected_tag(if_match, required=False), body.to_domain()
    )
    return case_response(request, view, ctx)


def _k(request: Request) -> int:
    k: int = request.app.state.container.settings.figures_min_cell
    return k
