"""The client's access report as a tagged PDF (headings and paragraphs in the structure tree, language
de-CH), in German, with an embedded Unicode font (DejaVu Sans)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from app.domain.access_report import LOCAL_TIME, AccessReport

FONTS = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class ReportSender:
    """Who sends the report and how the client reaches them."""

    title: str = "Datenschutzbeauftragte/r der IIZ Solothurn"
    contact: tuple[str, ...] = (
        "Amt für Gesellschaft und Soziales",
        "Ambassadorenhof, 4509 Solothurn",
        "datenschutz.iiz@so.ch",
    )


RIGHTS = (
    "Sie können verlangen, dass unrichtige Personendaten berichtigt werden (Art. 32 DSG), und gegen eine "
    "Bearbeitung Widerspruch erheben. Eine Einwilligung können Sie jederzeit bei der fallführenden Stelle "
    "widerrufen; der Widerruf gilt ab sofort. Haben Sie Fragen zu dieser Auskunft, wenden Sie sich unter "
    "Angabe der Referenznummer an die oben genannte Stelle. Sie können sich zudem an die kantonale "
    "Beauftragte für Information und Datenschutz wenden."
)


class TaggedPdf(FPDF):
    """FPDF that puts each block of text into the structure tree, so screen readers find its order."""

    @contextmanager
    def tagged(self, struct_type: str) -> Iterator[None]:
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    def block(self, struct_type: str, text: str, height: float) -> None:
        # A marked block may not span pages: start a new page first when it would not fit.
        needed = self.multi_cell(self.epw, height, text, dry_run=True, output="HEIGHT")
        if isinstance(needed, float | int) and self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        with self.tagged(struct_type):
            self.multi_cell(self.epw, height, text, new_x="LMARGIN", new_y="NEXT")


def access_report_filename(report: AccessReport) -> str:
    return (
        f"auskunft-{report.generated_at.astimezone(LOCAL_TIME):%Y-%m-%d}-{report.reference or 'ohne-ref'}.pdf"
    )


def render_access_report_pdf(report: AccessReport, sender: ReportSender | None = None) -> bytes:
    sender = sender or ReportSender()
    pdf = TaggedPdf(format="A4")
    pdf.set_lang("de-CH")
    pdf.set_title("Auskunft über die Bearbeitung von Personendaten")
    pdf.set_author(sender.title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(text: str, level: int = 2) -> None:
        pdf.set_font("DejaVu", "B", 14 if level == 1 else 12)
        pdf.block(f"H{level}", text, 7)
        pdf.set_font("DejaVu", "", 10)

    def paragraph(text: str, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", 10)
        pdf.block("P", text, 5.5)
        pdf.set_font("DejaVu", "", 10)

    paragraph("\n".join((sender.title, *sender.contact)))
    pdf.ln(4)
    if report.addressee:
        paragraph("\n".join(report.addressee))
        pdf.ln(4)
    generated = report.generated_at.astimezone(LOCAL_TIME)
    heading("Auskunft über die Bearbeitung Ihrer Personendaten (Art. 25 DSG)", 1)
    paragraph(f"Solothurn, {generated:%d.%m.%Y}. Referenznummer: {report.reference or '–'}")
    pdf.ln(3)
    heading("Welche Daten über Sie bearbeitet werden")
    paragraph(", ".join(c.label for c in report.categories_held) or "keine")
    pdf.ln(3)
    heading("Welche Stellen Daten erhalten oder eingesehen haben")
    if not report.receipts:
        paragraph("Im Protokoll ist kein Zugriff verzeichnet.")
    for receipt in report.receipts:
        paragraph(f"{receipt.on:%d.%m.%Y} – {receipt.institution_name}", bold=True)
        lines = [
            f"Daten: {', '.join(c.label for c in receipt.categories)}",
            f"Grundlage: {', '.join(receipt.bases) or 'nicht angegeben'}; Zweck: {receipt.purpose}",
        ]
        if receipt.staff:
            lines.append(f"Mitarbeitende: {', '.join(receipt.staff)}")
        lines.append(f"Anzahl Zugriffe an diesem Tag: {receipt.accesses}")
        paragraph("\n".join(lines))
        pdf.ln(1.5)
    pdf.ln(3)
    heading("Wie lange die Daten aufbewahrt werden")
    paragraph(
        "Falldaten werden während der Fallführung und der Nachbetreuung bearbeitet und danach archiviert. "
        f"Die Protokolle der Zugriffe werden mindestens {report.log_retention_days} Tage aufbewahrt "
        "und sind nur der oder dem Datenschutzbeauftragten zugänglich."
    )
    if not report.include_staff:
        paragraph("Namen von Mitarbeitenden sind nicht aufgeführt; genannt wird die jeweilige Stelle.")
    pdf.ln(3)
    heading("Ihre Rechte")
    paragraph(RIGHTS)
    return bytes(pdf.output())
