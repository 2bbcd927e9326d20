"""Free texts of the process (segment reasons, closure and follow-up notes, conference minutes,
hand-over notes, reasons to decline or leave): each carries the category its author chose, by default
the one of the author's own institution. The structured fact a text belongs to (a segmentation, the
closure, a conference) stays in the shared core and names the note by its id, so the core holds no
free text and each text is decided on by its own category and owner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue
from app.domain.institutions import InstitutionKind

MAX_NOTE_LENGTH = 20_000  # as long as any free text the API takes (minutes, notes)

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
    SEGMENT_REASON = "segment_reason"  # Begründung einer Segmentierung
    CLOSURE = "closure"  # Bemerkung zum Fallabschluss
    FOLLOW_UP = "follow_up"  # Bemerkung zur Nachbetreuung
    MINUTES = "minutes"  # Beschlüsse einer Fallkonferenz

    @property
    def label(self) -> str:
        return {
            NoteKind.HANDOVER: "Übergabenotiz",
            NoteKind.DECLINE: "Begründung der Ablehnung",
            NoteKind.LEAVE: "Begründung des Austritts",
            NoteKind.REMAINING: "Verbleibende Unterstützung",
            NoteKind.SEGMENT_REASON: "Begründung der Segmentierung",
            NoteKind.CLOSURE: "Bemerkung zum Fallabschluss",
            NoteKind.FOLLOW_UP: "Bemerkung zur Nachbetreuung",
            NoteKind.MINUTES: "Beschlüsse der Fallkonferenz",
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
        if len(self.text) > MAX_NOTE_LENGTH:
            raise InvalidValue(f"Der Text ist zu lang (höchstens {MAX_NOTE_LENGTH} Zeichen).", "note")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.author_institution_id


def require_note(note: ProcessNote | None, kind: NoteKind, author_institution_id: uuid.UUID) -> None:
    """A free text handed to a structured fact is of the expected kind and written by its author."""
    if note is None:
        return
    if note.kind is not kind or note.author_institution_id != author_institution_id:
        raise InvalidValue(f"Die {kind.label} gehört nicht hierher.", "note")
