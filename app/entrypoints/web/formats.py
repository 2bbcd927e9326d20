"""German formats of the thin client: dd.mm.yyyy, local time, AHVN13 with dots, labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.domain.ahvn13 import Ahvn13
from app.domain.audit_anomalies import AnomalyKind
from app.domain.cases.plan import GoalStatus, MeasureKind, MeasureStatus
from app.domain.cases.records import ProgressRating
from app.entrypoints.web.audit_labels import basis_label, operation_label
from app.services.context import LOCAL_TIME


def german_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return value.strftime("%d.%m.%Y")


def clock_time(value: datetime | None) -> str:
    """14:05 in Swiss local time."""
    return value.astimezone(LOCAL_TIME).strftime("%H:%M") if value else "–"


def german_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


def ahvn13(value: Ahvn13 | str | None) -> str:
    if value is None:
        return "–"
    parsed = value if isinstance(value, Ahvn13) else Ahvn13.parse(str(value))
    return parsed.formatted


# German names of the enum values that carry no label of their own in the domain
LABELS = {
    GoalStatus.OPEN: "offen",
    GoalStatus.ACHIEVED: "erreicht",
    GoalStatus.DROPPED: "fallengelassen",
    MeasureKind.COURSE: "Kurs",
    MeasureKind.JOB_COACHING: "Job-Coaching",
    MeasureKind.PRACTICAL_PLACEMENT: "Praktikum / Einsatzplatz",
    MeasureKind.IV_VOCATIONAL: "berufliche Massnahme der IV",
    MeasureKind.IV_EARLY_INTERVENTION: "Frühintervention der IV",
    MeasureKind.LABOUR_MARKET: "arbeitsmarktliche Massnahme",
    MeasureKind.SOCIAL_INTEGRATION: "soziale Integration",
    MeasureKind.OTHER: "andere",
    MeasureStatus.PLANNED: "geplant",
    MeasureStatus.RUNNING: "laufend",
    MeasureStatus.COMPLETED: "abgeschlossen",
    MeasureStatus.CANCELLED: "abgebrochen",
    MeasureStatus.ENDED_BY_CLOSURE: "mit dem Fallabschluss beendet",
    MeasureStatus.ENDED_BY_LEAVING: "mit dem Austritt der Stelle beendet",
    ProgressRating.ACHIEVED: "erreicht",
    ProgressRating.ON_TRACK: "auf Kurs",
    ProgressRating.DELAYED: "verzögert",
    ProgressRating.AT_RISK: "gefährdet",
    AnomalyKind.READ_WITHOUT_PARTICIPATION: "Lesen ohne Beteiligung",
    AnomalyKind.BREAK_GLASS: "Notfallzugriff",
    AnomalyKind.DENIAL_BURST: "gehäufte Verweigerungen",
    AnomalyKind.BULK_READ: "Massenabfrage",
    AnomalyKind.UNUSUAL_HOURS: "ungewöhnliche Uhrzeit",
    AnomalyKind.SPECIAL_WITHOUT_CONSENT: "besonders schützenswerte Daten ohne Einwilligung",
    AnomalyKind.DORMANT_ACCOUNT: "ruhendes Konto",
    AnomalyKind.CONSENT_BY_RECIPIENT: "Einwilligung von der Empfängerin erfasst",
    AnomalyKind.SPECIAL_SOON_AFTER_CONSENT: "heikle Daten kurz nach eigener Einwilligung gelesen",
}


def label(value: Any) -> str:
    """The German label of an enum value, else its value."""
    if value is None:
        return "–"
    own = getattr(value, "label", None)
    if isinstance(own, str):
        return own
    return LABELS.get(value, str(value))


def kind(value: Any) -> str:
    return type(value).__name__


DATE_ERROR = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."


def date_or_none(text: str) -> date | None:
    """A form's date field: None when it is empty or no valid date (the caller decides which matters)."""
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


FILTERS = {
    "datum": german_date,
    "zeit": german_datetime,
    "uhrzeit": clock_time,
    "ahv": ahvn13,
    "label": label,
    "kind": kind,
    "vorgang": operation_label,
    "grundlage": basis_label,
}


def parse_date(text: str) -> date:
    """A date as people type it here: 26.11.2026 (also 1.2.2026); ISO 2026-11-26 as well."""
    value = text.strip()
    if "." in value:
        day, month, year = value.split(".")
        if len(year) != 4:
            raise ValueError(value)
        return date(int(year), int(month), int(day))
    return date.fromisoformat(value)
