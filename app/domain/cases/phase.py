"""Phases of a DFF case and the transitions between them."""

from __future__ import annotations

from enum import StrEnum


class CasePhase(StrEnum):
    INTAKE = "intake"  # Fallaufnahme: need check, subsidiarity, Kurzassessment, first segmentation
    ACTIVE = "active"  # Fallführung with integration plan and periodic reassessment
    CLOSED = "closed"  # Fallabschluss recorded; follow-up may be pending
    FOLLOW_UP = "follow_up"  # Nachbetreuung under way
    ARCHIVED = "archived"  # nothing left to do; kept until retention ends

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Work on the integration plan and segmentation is possible."""
        return self in (CasePhase.INTAKE, CasePhase.ACTIVE)


PHASE_LABELS = {
    CasePhase.INTAKE: "Fallaufnahme",
    CasePhase.ACTIVE: "Aktiv",
    CasePhase.CLOSED: "Abgeschlossen",
    CasePhase.FOLLOW_UP: "Nachbetreuung",
    CasePhase.ARCHIVED: "Archiviert",
}

TRANSITIONS: dict[CasePhase, frozenset[CasePhase]] = {
    CasePhase.INTAKE: frozenset({CasePhase.ACTIVE, CasePhase.CLOSED}),
    CasePhase.ACTIVE: frozenset({CasePhase.CLOSED}),
    CasePhase.CLOSED: frozenset({CasePhase.FOLLOW_UP, CasePhase.ARCHIVED}),
    CasePhase.FOLLOW_UP: frozenset({CasePhase.ARCHIVED}),
    CasePhase.ARCHIVED: frozenset(),
}
