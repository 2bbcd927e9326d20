"""The integration plan as a tagged PDF to print and sign with the client: client, AHV number, date,
goals with their measures, signature lines."""

from __future__ import annotations

from app.adapters.reports.tagged_pdf import TaggedPdf
from app.domain.plan_document import PlanDocument, PlannedMeasure


def render_plan_pdf(document: PlanDocument) -> bytes:
    pdf = TaggedPdf("Integrationsplan", document.lead_institution)
    pdf.heading("Integrationsplan", 1)
    pdf.paragraph(
        f"Klient/in: {document.client}\nAHV-Nummer: {document.ahvn13}\n"
        f"Fallführende Stelle: {document.lead_institution}\nStand: {document.printed_on:%d.%m.%Y}"
    )
    if not document.goals and not document.loose_measures:
        pdf.paragraph("Es sind noch keine Ziele und Massnahmen erfasst.")
    for number, goal in enumerate(document.goals, start=1):
        pdf.heading(f"Ziel {number}: {goal.title}")
        lines = [
            f"Zu erreichen bis: {goal.target}",
            f"Status: {goal.status}",
            f"Verantwortlich: {goal.owner}",
        ]
        if goal.latest_rating:
            lines.append(f"Letzte Beurteilung: {goal.latest_rating}")
        pdf.paragraph("\n".join(lines))
        if goal.description:
            pdf.paragraph(goal.description)
        _measures(pdf, goal.measures)
    if document.loose_measures:
        pdf.heading("Massnahmen ohne Ziel")
        _measures(pdf, document.loose_measures)
    pdf.ln(8)
    pdf.heading("Unterschriften")
    pdf.paragraph("Mit ihrer Unterschrift bestätigen die Beteiligten den vereinbarten Integrationsplan.")
    for signer in ("Klient/in", f"Fallführende Stelle ({document.lead_institution})"):
        pdf.ln(10)
        pdf.paragraph(f"Ort, Datum: ______________________   Unterschrift {signer}: ______________________")
    return bytes(pdf.output())


def _measures(pdf: TaggedPdf, measures: list[PlannedMeasure]) -> None:
    if not measures:
        pdf.paragraph("Noch keine Massnahme.")
    for m in measures:
        pdf.paragraph(f"Massnahme: {m.title} ({m.kind}) – {m.owner}; {m.period}; {m.status}")
