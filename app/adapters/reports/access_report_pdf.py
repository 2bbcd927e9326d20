"""The client's access report as a tagged PDF (headings and paragraphs in the structure tree, language
de-CH), in German, with an embedded Unicode font (DejaVu Sans)."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.reports.tagged_pdf import TaggedPdf
from app.domain.access_report import LOCAL_TIME, AccessReport


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


def render_access_report_pdf(report: AccessReport, sender: ReportSender | None = None) -> bytes:
    sender = sender or ReportSender()
    pdf = TaggedPdf("Auskunft über die Bearbeitung von Personendaten", sender.title)
    heading, paragraph = pdf.heading, pdf.paragraph

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
