"""German names of audit operations and decision bases, for the data-protection officer's pages."""

from __future__ import annotations

from app.domain.access_report import basis_label as basis_name

OPERATION_LABELS = {
    "assessments.record": "Abklärung erfasst",
    "assignments.add": "Zuweisung erfasst",
    "assignments.list": "Zuweisungen angezeigt",
    "assignments.remove": "Zuweisung aufgehoben",
    "audit.access_report": "Auskunft erstellt",
    "audit.anomalies": "Anomalien geprüft",
    "audit.anomaly_review": "Anomalie als erledigt markiert",
    "audit.search": "Protokoll durchsucht",
    "break_glass.open": "Notfallzugriff geöffnet",
    "cases.activate": "Fall aktiviert",
    "cases.archive": "Fall archiviert",
    "cases.change": "Fall geändert",
    "cases.list": "Fallliste angezeigt",
    "cases.open": "Fall eröffnet",
    "cases.read": "Fall gelesen",
    "closure.close": "Fall abgeschlossen",
    "conferences.record": "Fallkonferenz erfasst",
    "consents.grant": "Einwilligung erfasst",
    "consents.history": "Einwilligungsverlauf angezeigt",
    "consents.list": "Einwilligungen angezeigt",
    "consents.read": "Einwilligung gelesen",
    "consents.revoke": "Einwilligung widerrufen",
    "directory.dossiers_of_person": "Verzeichnis abgefragt",
    "documents.list": "Dokumente angezeigt",
    "documents.read": "Dokument gelesen",
    "documents.store": "Dokument abgelegt",
    "events.feed": "Änderungsereignisse abgerufen",
    "follow_up.complete": "Nachbetreuung abgeschlossen",
    "follow_up.start": "Nachbetreuung begonnen",
    "journal.add": "Journaleintrag erfasst",
    "keys.retire_kek": "Alter Hauptschlüssel (KEK) entfernt",
    "lead.hand_over": "Fallführung übergeben",
    "oauth.token": "Zugriffstoken ausgestellt",
    "participants.add": "Stelle in den Fall aufgenommen",
    "participants.change_reference": "Dossier-Nr. geändert",
    "participants.remove": "Stelle aus dem Fall entlassen",
    "persons.correct": "Personendaten berichtigt",
    "persons.lookup": "Person gesucht",
    "persons.read": "Personendaten gelesen",
    "persons.register": "Person erfasst",
    "plan.add_goal": "Ziel erfasst",
    "plan.add_measure": "Massnahme erfasst",
    "plan.change_goal": "Ziel geändert",
    "plan.change_measure": "Massnahme geändert",
    "retention.destroy": "Daten vernichtet (Aufbewahrungsfrist)",
    "reviews.record": "Standortbestimmung erfasst",
    "segment.assess": "Segment festgelegt",
    "web.login": "Anmeldung",
    "web.logout": "Abmeldung",
}


def operation_label(operation: str) -> str:
    """The German name of an operation; an operation without one shows its code."""
    return OPERATION_LABELS.get(operation, operation)


def basis_label(basis: str) -> str:
    """The client's words for a basis (the access report's), with the short reference of the consent or
    break-glass opening the DPO looks up: 'Einwilligung (27fb79c9)'."""
    kind, _, reference = basis.partition(":")
    name = basis_name(basis)
    return f"{name} ({reference[:8]})" if reference and kind in ("consent", "break_glass") else name
