"""Free texts of the process (hand-over notes, reasons to decline, minutes): each carries the
category its author chose, by default the one of the author's own institution."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue
from app.domain.institutions import InstitutionKind

OWN_CATEGORY = {
    InstitutionKind.SOZIALDIENST: DataCategory.SOZIALHILFE,
    InstitutionKind.RAV: DataCategory.ARBEITSMARKT,
    InstitutionKind.IV: DataCategory.GESUNDHEIT,
    InstitutionKind.KANTON: DataCategory.FALLFUEHRUNG,
}


def own_category(kind: InstitutionKind) -> DataCategory:
    """The category of an institution's own texts when its author chooses none."""
    return OWN_CATEGORY.get(kind, DataCategory.FALLFUEHRUNG)


class NoteKind(StrEnum):
    HANDOVER = "handover"  # Übergabenotiz
    DECLINE = "decline"  # Begründung einer abgelehnten Einladung
    LEAVE = "leave"  # Begründung eines Austritts
    REMAINING = "remaining"  # was nach einer Teilablösung bleibt

    @property
    def label(self) -> str:
        return {
            NoteKind.HANDOVER: "Übergabenotiz",
            NoteKind.DECLINE: "Begründung der Ablehnung",
            NoteKind.LEAVE: "Begründung des Austritts",
            NoteKind.REMAINING: "Verbleibende Unterstützung",
        }[self]


@dataclass
class ProcessNote:
    kind: NoteKind
    text: str
    category: DataCategory
    author_institution_id: uuid.UUID
    written_on: date
    recorded_by: uuid.UUID
    recorded_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.category not in CONTENT_CATEGORIES:
            raise InvalidValue(f"Die Kategorie «{self.category.value}» ist hier nicht zulässig.", "category")
        if not self.text.strip():
            raise InvalidValue(f"Die {self.kind.label} fehlt.", "note")
        if len(self.text) > 4000:
            raise InvalidValue("Der Text ist zu lang (höchstens 4000 Zeichen).", "note")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.author_institution_id
