"""Kennzahlen for the Kantonale Steuerung: filters, charts with their tables, definitions; the same
figures as CSV and as PDF report. Each request is one audited figure query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.domain.errors import DomainError
from app.domain.figures.charts import chart_of, percent
from app.domain.figures.definitions import definitions
from app.domain.figures.records import FigureQuery
from app.domain.figures.report import FigureReport
from app.entrypoints import figure_files
from app.entrypoints.web.figure_charts import chart_svg
from app.entrypoints.web.formats import german_date, parse_date
from app.entrypoints.web.render import FormErrors, PageRefused, read, refused, show
from app.entrypoints.web.web_auth import SignedIn, WebUser
from app.services import figures
from app.services.figures import FiguresUnitOfWork

router = APIRouter(include_in_schema=False)
Filter = Annotated[str, Query(max_length=200)]


def _uow(web: WebUser) -> FiguresUnitOfWork:
    return web.container.uow_factory()  # type: ignore[return-value]  # the SQL unit of work has the figures


def _query(web: WebUser, von: str, bis: str, region: str, kohorte: str) -> FigureQuery:
    end = _day(bis, "bis") or web.ctx.today
    start = _day(von, "von") or date(end.year, 1, 1)
    return FigureQuery(start, end, region or None, kohorte or None)


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise DomainError("Bitte ein gültiges Datum angeben (TT.MM.JJJJ).", field) from None


def _report(web: WebUser, query: FigureQuery) -> FigureReport:
    k = web.container.settings.figures_min_cell
    return read(lambda: figures.figure_report(_uow(web), web.ctx, query, k))


@router.get("/kennzahlen")
def figures_page(
    request: Request,
    web: SignedIn,
    von: Filter = "",
    bis: Filter = "",
    region: Filter = "",
    kohorte: Filter = "",
) -> Response:
    entered = {"von": von, "bis": bis, "region": region, "kohorte": kohorte}
    try:
        query = _query(web, von, bis, region, kohorte)
    except DomainError as error:
        errors = FormErrors({error.field or "von": error.message})
        return show(
            request, web, "figures.html", 422, nav="kennzahlen", entered=entered, errors=errors, report=None
        )
    try:
        report = _report(web, query)
    except PageRefused as exc:
        return refused(request, web, exc)
    entered.update(von=german_date(query.period_start), bis=german_date(query.period_end))
    return show(request, web, "figures.html", nav="kennzahlen", entered=entered, **_context(report))


def _context(report: FigureReport) -> dict[str, Any]:
    shown = []
    for number, figure in enumerate(report.figures, start=1):
        chart_id = f"diagramm-{number}"
        shown.append(
            {"figure": figure, "svg": chart_svg(chart_of(figure), chart_id), "anchor": figure.definition.id}
        )
    params = {"von": report.query.period_start.isoformat(), "bis": report.query.period_end.isoformat()}
    if report.query.region:
        params["region"] = report.query.region
    if report.query.cohort:
        params["kohorte"] = report.query.cohort
    return {
        "report": report,
        "shown": shown,
        "protection": definitions().protection,
        "percent": percent,
        "download": "&".join(f"{k}={v}" for k, v in params.items()),
    }


@router.get("/kennzahlen/bericht.pdf")
def figures_pdf(
    request: Request,
    web: SignedIn,
    von: Filter = "",
    bis: Filter = "",
    region: Filter = "",
    kohorte: Filter = "",
) -> Response:
    return _file(request, web, figure_files.figures_pdf, von, bis, region, kohorte)


@router.get("/kennzahlen/kennzahlen.csv")
def figures_csv(
    request: Request,
    web: SignedIn,
    von: Filter = "",
    bis: Filter = "",
    region: Filter = "",
    kohorte: Filter = "",
) -> Response:
    return _file(request, web, figure_files.figures_csv, von, bis, region, kohorte)


def _file(
    request: Request,
    web: WebUser,
    answer: Callable[[FigureReport], Response],
    *filters: str,
) -> Response:
    """The report of the filters as a file; a refusal or an invalid filter is a German page."""
    try:
        report = _report(web, _query(web, *filters))
    except PageRefused as exc:
        return refused(request, web, exc)
    except DomainError as error:
        return refused(request, web, PageRefused(422, error.message))
    return answer(report)
