"""The facts the evaluation needs, recorded per case as coarse structured metadata.

Each value is a group, never an identifier: a residence status group, a kind of assistance, dates
of support. Together with the case's structured skeleton (region, phase, segment history, closure)
they are what the figures count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.errors import InvalidValue


class ResidenceStatus(StrEnum):
    """Aufenthaltsstatus-Gruppe, as the federal integration goals count it."""

    SCHWEIZ = "schweiz"
    EU_EFTA = "eu_efta"
    DRITTSTAAT = "drittstaat"
    VORLAEUFIG_AUFGENOMMEN = "vorlaeufig_aufgenommen"
    FLUECHTLING = "fluechtling"
    SCHUTZSTATUS_S = "schutzstatus_s"

    @property
    def label(self) -> str:
        return RESIDENCE_STATUS_LABELS[self]

    @property
    def counts_for_federal_goal(self) -> bool:
        """Refugees and provisionally admitted persons: the federal 40 % employment goal."""
        return self in (ResidenceStatus.VORLAEUFIG_AUFGENOMMEN, ResidenceStatus.FLUECHTLING)


RESIDENCE_STATUS_LABELS = {
    ResidenceStatus.SCHWEIZ: "Schweiz",
    ResidenceStatus.EU_EFTA: "EU/EFTA",
    ResidenceStatus.DRITTSTAAT: "Drittstaat",
    ResidenceStatus.VORLAEUFIG_AUFGENOMMEN: "Vorläufig aufgenommen",
    ResidenceStatus.FLUECHTLING: "Flüchtling",
    ResidenceStatus.SCHUTZSTATUS_S: "Schutzstatus S",
}


class AssistanceKind(StrEnum):
    REGEL = "regel"
    ASYL = "asyl"

    @property
    def label(self) -> str:
        return {AssistanceKind.REGEL: "Regelsozialhilfe", AssistanceKind.ASYL: "Asylsozialhilfe"}[self]


class CostBearer(StrEnum):
    """Kostenträger of a measure."""

    ALV = "alv"
    IV = "iv"
    SOZIALHILFE = "sozialhilfe"
    ANDERE = "andere"

    @property
    def label(self) -> str:
        return {
            CostBearer.ALV: "ALV",
            CostBearer.IV: "IV",
            CostBearer.SOZIALHILFE: "Gemeinde/Sozialhilfe",
            CostBearer.ANDERE: "Andere",
        }[self]


@dataclass(frozen=True)
class CaseFacts:
    """What the lead institution records for the figures; every field may still be unknown."""

    residence_status: ResidenceStatus | None = None
    assistance_kind: AssistanceKind | None = None
    support_start_on: date | None = None
    support_end_on: date | None = None
    preventive: bool = False  # präventiver Fall: begleitet, ohne wirtschaftliche Sozialhilfe
    employed: bool | None = None  # erwerbstätig (ganz oder teilweise) nach letztem Stand

    def validate(self, today: date) -> None:
        if self.preventive and (self.support_start_on or self.support_end_on or self.assistance_kind):
            raise InvalidValue(
                "Ein präventiver Fall ohne Unterstützung hat keine Unterstützungsdaten.", "preventive"
            )
        for name, value in (
            ("support_start_on", self.support_start_on),
            ("support_end_on", self.support_end_on),
        ):
            if value is not None and value > today:
                raise InvalidValue("Das Datum darf nicht in der Zukunft liegen.", name)
        if self.support_end_on is not None:
            if self.support_start_on is None:
                raise InvalidValue("Das Ende der Unterstützung braucht einen Beginn.", "support_start_on")
            if self.support_end_on < self.support_start_on:
                raise InvalidValue("Die Unterstützung endet vor ihrem Beginn.", "support_end_on")
