"""The steering figures as a German PDF report: date and data basis, every indicator with its
definition, a bar chart and the released table. Tagged (headings, paragraphs, the chart as a figure,
the tables) like the other reports (tagged_pdf.py); DejaVu Sans embedded; document language de-CH."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from app.adapters.reports.tagged_pdf import TaggedPdf
from app.domain.figures.charts import Chart, chart_of, percent
from app.domain.figures.definitions import definitions
from app.domain.figures.report import Figure, FigureReport
from app.domain.figures.tables import TOTAL

SUPPRESSED = "–"


def render_figures_pdf(report: FigureReport) -> bytes:
    pdf = TaggedPdf("Kennzahlen der interinstitutionellen Zusammenarbeit", "Cockpit IIZ Solothurn")
    pdf.set_subject("Kantonale Steuerung und Evaluation der Durchgehenden Fallführung")
    _cover(pdf, report)
    for figure in report.figures:
        pdf.add_page()
        _figure(pdf, figure)
    return bytes(pdf.output())


def _cover(pdf: TaggedPdf, report: FigureReport) -> None:
    query = report.query
    pdf.heading("Kennzahlen der interinstitutionellen Zusammenarbeit (IIZ)", 1)
    _paragraph(pdf, "Kanton Solothurn – Durchgehende Fallführung, Kantonale Steuerung (AGS)")
    pdf.ln(3)
    _paragraph(pdf, f"Zeitraum: {query.period_start:%d.%m.%Y} bis {query.period_end:%d.%m.%Y}")
    _paragraph(pdf, f"Sozialregion: {query.region or 'alle'}; Einführungskohorte: {query.cohort or 'alle'}")
    _paragraph(pdf, f"Erstellt am {report.generated_at:%d.%m.%Y um %H:%M} UTC")
    basis = f"{report.cases} Fälle" if report.cases is not None else f"weniger als {report.k} Fälle"
    _paragraph(
        pdf,
        f"Datengrundlage: strukturierte Metadaten der Fälle in Cockpit ({basis} in der Auswahl); "
        "keine Fallinhalte, keine Personendaten.",
    )
    pdf.ln(3)
    _heading(pdf, "Schutz kleiner Zahlen")
    _paragraph(pdf, definitions().protection.replace("k Personen", f"k = {report.k} Personen"))
    pdf.ln(3)
    _heading(pdf, "Inhalt")
    for number, figure in enumerate(report.figures, start=1):
        _paragraph(pdf, f"{number}. {figure.definition.title}")


def _figure(pdf: TaggedPdf, figure: Figure) -> None:
    definition = figure.definition
    pdf.heading(definition.title, 1)
    _paragraph(pdf, definition.definition)
    _paragraph(pdf, f"Zähler: {definition.numerator}")
    _paragraph(pdf, f"Nenner: {definition.denominator}")
    _paragraph(pdf, f"Zeitraum: {definition.period_rule}")
    if definition.goal:
        _paragraph(pdf, f"Ziel: {definition.goal}")
    pdf.ln(2)
    _chart(pdf, chart_of(figure))
    pdf.ln(3)
    if figure.table is not None:
        header = ["", *figure.table.columns]
        rows = [
            [row, *(_count(figure.table.cells[(row, c)]) for c in figure.table.columns)]
            for row in figure.table.rows
        ]
        if figure.table.rate_column is not None:
            header.append("Anteil")
            for line, row in zip(rows, figure.table.rows, strict=True):
                rate = figure.table.rate(row)
                line.append(percent(rate) if rate is not None else SUPPRESSED)
    else:
        header = ["", "Personen", "Ereignisse", "zensiert", "1. Quartil", "Median", "3. Quartil"]
        rows = [
            [d.label, *(_count(v) for v in (d.persons, d.events, d.censored, d.q1, d.median, d.q3))]
            for d in figure.durations
        ]
    _table(pdf, header, rows)


def _chart(pdf: TaggedPdf, chart: Chart) -> None:
    label_width, bar_width, height = 55.0, pdf.epw - 80.0, 5.0
    _paragraph(pdf, f"Diagramm: {chart.unit}")
    pdf.set_font("DejaVu", "", 8)
    with _marked(pdf, "Figure", height * len(chart.bars)):
        _bars(pdf, chart, label_width, bar_width, height)
    pdf.set_font("DejaVu", "", 10)
    if chart.goal is not None:
        _paragraph(pdf, f"Ziel des Bundes: {percent(chart.goal)}")


def _bars(pdf: TaggedPdf, chart: Chart, label_width: float, bar_width: float, height: float) -> None:
    for bar in chart.bars:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, height, bar.label[:40])
        if bar.value is not None:
            pdf.set_fill_color(31, 94, 140)
            pdf.rect(
                pdf.l_margin + label_width,
                y + 0.8,
                max(0.3, bar_width * bar.value / chart.maximum),
                height - 1.6,
                "F",
            )
        pdf.set_xy(pdf.l_margin + label_width + bar_width + 2, y)
        pdf.cell(20, height, bar.text)
        pdf.set_y(y + height)


def _table(pdf: TaggedPdf, header: list[str], rows: list[list[str]]) -> None:
    pdf.set_font("DejaVu", "", 7)
    pdf.set_fill_color(230, 236, 242)
    with (
        _marked(pdf, "Table", 4.0 * 2 * (len(rows) + 1)),
        pdf.table(first_row_as_headings=True, text_align="LEFT", line_height=4) as table,
    ):
        for line in [header, *rows]:
            table_row = table.row()
            for cell in line:
                table_row.cell("Total" if cell == TOTAL else cell)
    pdf.set_font("DejaVu", "", 10)


def _marked(pdf: TaggedPdf, struct_type: str, height: float) -> AbstractContextManager[None]:
    """A structure element around a drawn block; marked content may not span pages, so the block starts
    on a new page when it would not fit (one longer than a page stays untagged rather than broken)."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    if pdf.get_y() + height > pdf.page_break_trigger:
        return nullcontext()
    return pdf.tagged(struct_type)


def _count(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def _heading(pdf: TaggedPdf, text: str) -> None:
    pdf.heading(text, 2)


def _paragraph(pdf: TaggedPdf, text: str) -> None:
    pdf.paragraph(text)
