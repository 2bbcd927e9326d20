"""The figure report as a file: CSV (long format) and PDF, answered alike by the API and the thin client."""

from __future__ import annotations

import csv
import io

from fastapi.responses import Response

from app.bootstrap import figures_pdf as render_figures_pdf
from app.domain.figures.report import FigureReport
from app.entrypoints.api.v1.schemas.figures import csv_rows
from app.entrypoints.attachments import attachment


def figures_csv(report: FigureReport) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(report))
    return attachment(buffer.getvalue(), "text/csv; charset=utf-8", "kennzahlen.csv")


def figures_pdf(report: FigureReport) -> Response:
    return attachment(render_figures_pdf(report), "application/pdf", "kennzahlen.pdf")
