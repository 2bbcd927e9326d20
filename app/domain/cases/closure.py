"""Fallabschluss and the follow-up (Nachbetreuung) six months later."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.categories import DataCategory

FOLLOW_UP_MONTHS = 6


class ClosureReason(StrEnum):
    ERWERBSARBEIT = "erwerbsarbeit"
    AUSBILDUNG = "ausbildung"
    IV_RENTE = "iv_rente"
    ANDERE_LEISTUNG = "andere_leistung"  # e.g. ALV, AHV, Ergänzungsleistungen
    WEGZUG = "wegzug"
    KEIN_ANSPRUCH = "kein_anspruch"
    KONTAKTABBRUCH = "kontaktabbruch"
    TOD = "tod"
    TEILABLOESUNG = "teilabloesung"  # support reduced, not ended; what remains is recorded
    ANDERE = "andere"

    @property
    def label(self) -> str:
        return CLOSURE_REASON_LABELS[self]

    @property
    def is_detachment(self) -> bool:
        """An Ablösung whose sustainability is checked in the follow-up."""
        return self in DETACHMENT_REASONS


CLOSURE_REASON_LABELS = {
    ClosureReason.ERWERBSARBEIT: "Ablösung durch Erwerbsarbeit",
    ClosureReason.AUSBILDUNG: "Ablösung durch Ausbildung",
    ClosureReason.IV_RENTE: "IV-Rente",
    ClosureReason.ANDERE_LEISTUNG: "Andere Sozialversicherungsleistung",
    ClosureReason.WEGZUG: "Wegzug",
    ClosureReason.KEIN_ANSPRUCH: "Kein Anspruch mehr",
    ClosureReason.KONTAKTABBRUCH: "Kontaktabbruch",
    ClosureReason.TOD: "Todesfall",
    ClosureReason.TEILABLOESUNG: "Teilablösung",
    ClosureReason.ANDERE: "Anderer Grund",
}

DETACHMENT_REASONS = frozenset(
    {
        ClosureReason.ERWERBSARBEIT,
        ClosureReason.AUSBILDUNG,
        ClosureReason.IV_RENTE,
        ClosureReason.ANDERE_LEISTUNG,
        ClosureReason.KEIN_ANSPRUCH,
        ClosureReason.TEILABLOESUNG,
    }
)


class EarlyEnd(StrEnum):
    """A documented reason to record the follow-up result before the six months are over."""

    WEGZUG = "wegzug"
    TOD = "tod"
    NEUE_UNTERSTUETZUNG = "neue_unterstuetzung"

    @property
    def label(self) -> str:
        return {
            EarlyEnd.WEGZUG: "Wegzug",
            EarlyEnd.TOD: "Todesfall",
            EarlyEnd.NEUE_UNTERSTUETZUNG: "Neue Unterstützung",
        }[self]


@dataclass(frozen=True)
class Closure:
    closed_on: date
    reason: ClosureReason
    note: str  # empty: kept only to read closures sealed before `cockpit cases reclassify-texts`
    institution_id: uuid.UUID
    recorded_by: uuid.UUID
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    remaining: str = ""  # as `note`; the support that remains after a Teilablösung is a note now
    note_id: uuid.UUID | None = None
    remaining_note_id: uuid.UUID | None = None

    category = DataCategory.FALLFUEHRUNG

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id


class FollowUpResult(StrEnum):
    SUSTAINABLE = "sustainable"  # nachhaltig abgelöst
    NOT_SUSTAINABLE = "not_sustainable"  # erneut unterstützt
    UNREACHABLE = "unreachable"  # nicht erreichbar

    @property
    def label(self) -> str:
        return {
            FollowUpResult.SUSTAINABLE: "Nachhaltig abgelöst",
            FollowUpResult.NOT_SUSTAINABLE: "Nicht nachhaltig",
            FollowUpResult.UNREACHABLE: "Nicht erreichbar",
        }[self]


@dataclass
class FollowUp:
    due_on: date
    institution_id: uuid.UUID
    started_on: date | None = None
    completed_on: date | None = None
    result: FollowUpResult | None = None
    note: str = ""  # empty: kept only to read follow-ups sealed before `cockpit cases reclassify-texts`
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    early_end: EarlyEnd | None = None
    note_id: uuid.UUID | None = None

    category = DataCategory.FALLFUEHRUNG

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id
