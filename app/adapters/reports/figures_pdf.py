"""The steering figures as a German PDF report: date and data basis, every indicator with its
definition, a bar chart and the released table. DejaVu Sans embedded; document language de-CH."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from app.domain.figures.charts import Chart, chart_of, percent
from app.domain.figures.definitions import definitions
from app.domain.figures.report import Figure, FigureReport
from app.domain.figures.tables import TOTAL

FONTS = Path(__file__).parent / "fonts"
SUPPRESSED = "–"


def render_figures_pdf(report: FigureReport) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Kennzahlen der interinstitutionellen Zusammenarbeit")
    pdf.set_author("Cockpit IIZ Solothurn")
    pdf.set_subject("Kantonale Steuerung und Evaluation der Durchgehenden Fallführung")
    pdf.set_lang("de-CH")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _cover(pdf, report)
    for figure in report.figures:
        pdf.add_page()
        _figure(pdf, figure)
    return bytes(pdf.output())


def _cover(pdf: FPDF, report: FigureReport) -> None:
    query = report.query
    _heading(pdf, "Kennzahlen der interinstitutionellen Zusammenarbeit (IIZ)", 15)
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


def _figure(pdf: FPDF, figure: Figure) -> None:
    definition = figure.definition
    _heading(pdf, definition.title, 13)
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


def _chart(pdf: FPDF, chart: Chart) -> None:
    pdf.set_font("DejaVu", "", 8)
    label_width, bar_width, height = 55.0, pdf.epw - 80.0, 5.0
    _paragraph(pdf, f"Diagramm: {chart.unit}")
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
    if chart.goal is not None:
        _paragraph(pdf, f"Ziel des Bundes: {percent(chart.goal)}")
    pdf.set_font("DejaVu", "", 10)


def _table(pdf: FPDF, header: list[str], rows: list[list[str]]) -> None:
    pdf.set_font("DejaVu", "", 7)
    pdf.set_fill_color(230, 236, 242)
    with pdf.table(first_row_as_headings=True, text_align="LEFT", line_height=4) as table:
        for line in [header, *rows]:
            table_row = table.row()
            for cell in line:
                table_row.cell("Total" if cell == TOTAL else cell)
    pdf.set_font("DejaVu", "", 10)


def _count(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def _heading(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(pdf.epw, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "", 10)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(pdf.epw, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
