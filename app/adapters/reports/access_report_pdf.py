"""The client's access report as PDF, in German, with an embedded Unicode font (DejaVu Sans)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from app.domain.access_report import LOCAL_TIME, AccessReport

FONTS = Path(__file__).parent / "fonts"


def _date(value: object) -> str:
    return value.strftime("%d.%m.%Y")  # type: ignore[attr-defined]


def render_access_report_pdf(report: AccessReport) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Auskunft über die Bearbeitung von Personendaten")
    pdf.set_author("Cockpit IIZ Solothurn")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 12) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)

    def paragraph(text: str) -> None:
        pdf.multi_cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    heading("Auskunft über die Bearbeitung Ihrer Personendaten (Art. 25 DSG)", 14)
    generated = report.generated_at.astimezone(LOCAL_TIME)
    paragraph(
        f"Erstellt am {generated:%d.%m.%Y um %H:%M} Uhr durch die Datenschutzaufsicht der IIZ Solothurn."
    )
    paragraph(f"Personenkennung (pseudonym): {report.person_id}")
    pdf.ln(3)
    heading("Welche Daten über Sie bearbeitet werden")
    paragraph(", ".join(c.label for c in report.categories_held) or "keine")
    pdf.ln(3)
    heading("Welche Stellen Daten erhalten oder eingesehen haben")
    if not report.receipts:
        paragraph("Im Protokoll ist kein Zugriff verzeichnet.")
    for receipt in report.receipts:
        pdf.set_font("DejaVu", "B", 10)
        paragraph(f"{_date(receipt.on)} – {receipt.institution_name}")
        pdf.set_font("DejaVu", "", 10)
        paragraph(f"Daten: {', '.join(c.label for c in receipt.categories)}")
        paragraph(f"Grundlage: {', '.join(receipt.bases) or 'nicht angegeben'}; Zweck: {receipt.purpose}")
        if receipt.staff:
            paragraph(f"Mitarbeitende: {', '.join(receipt.staff)}")
        paragraph(f"Anzahl Zugriffe an diesem Tag: {receipt.accesses}")
        pdf.ln(1.5)
    pdf.ln(3)
    heading("Wie lange die Daten aufbewahrt werden")
    paragraph(
        "Falldaten werden während der Fallführung und der Nachbetreuung bearbeitet und danach archiviert. "
        f"Die Protokolle der Zugriffe werden mindestens {report.log_retention_days} Tage aufbewahrt "
        "und sind nur der Datenschutzaufsicht zugänglich."
    )
    if not report.include_staff:
        paragraph("Namen von Mitarbeitenden sind nicht aufgeführt; genannt wird die jeweilige Stelle.")
    return bytes(pdf.output())
