"""Moving free texts recorded inside structured facts of the shared core into notes of their own.

Cases recorded before free texts carried their own category hold segment reasons, closure and
follow-up notes and conference minutes inside items of the category `fallfuehrung`, which every
participant reads. Each such text becomes a note under the own category of its author's institution,
and the structured fact keeps only the note's id. Applying the move twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from app.domain.cases.case import SharedCase
from app.domain.cases.notes import NoteKind, ProcessNote
from app.domain.categories import DataCategory

# The kinds of stored items that held free text in the shared core.
ITEM_KINDS_WITH_TEXT = ("segment", "closure", "follow_up", "conference")


@dataclass(frozen=True)
class _Written:
    """When and by whom the text was written, as far as its fact tells."""

    on: date
    by: uuid.UUID | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class MovedText:
    note: ProcessNote
    fact_id: uuid.UUID  # the structured fact that held the text


def move_free_texts(
    case: SharedCase,
    own_category: Callable[[uuid.UUID], DataCategory],
    recorded_by: uuid.UUID,
    now: datetime,
) -> list[MovedText]:
    """Move every free text still held by a fact of the shared core into a note of its author.

    `own_category` names the category of an institution's own texts; `recorded_by` stands for the
    author where the fact does not name the user (the follow-up)."""
    moved: list[MovedText] = []

    def note(kind: NoteKind, text: str, author: uuid.UUID, fact_id: uuid.UUID, when: _Written) -> uuid.UUID:
        written = ProcessNote(
            kind=kind,
            text=text.strip(),
            category=own_category(author),
            author_institution_id=author,
            written_on=when.on,
            recorded_by=when.by or recorded_by,
            recorded_at=when.at or now,
        )
        case.notes.append(written)
        moved.append(MovedText(written, fact_id))
        return written.id

    for index, entry in enumerate(case.segment_history):
        if entry.reason.strip():
            when = _Written(entry.assessed_on, entry.recorded_by, entry.recorded_at)
            note_id = note(NoteKind.SEGMENT_REASON, entry.reason, entry.institution_id, entry.id, when)
            case.segment_history[index] = replace(entry, reason="", reason_note_id=note_id)

    closure = case.closure
    if closure is not None and (closure.note.strip() or closure.remaining.strip()):
        when = _Written(closure.closed_on, closure.recorded_by)
        author = closure.institution_id
        closure_note_id: uuid.UUID | None = closure.note_id
        remaining_id: uuid.UUID | None = closure.remaining_note_id
        if closure.note.strip():
            closure_note_id = note(NoteKind.CLOSURE, closure.note, author, closure.id, when)
        if closure.remaining.strip():
            remaining_id = note(NoteKind.REMAINING, closure.remaining, author, closure.id, when)
        case.closure = replace(
            closure, note="", remaining="", note_id=closure_note_id, remaining_note_id=remaining_id
        )

    follow_up = case.follow_up
    if follow_up is not None and follow_up.note.strip():
        when = _Written(follow_up.completed_on or now.date())
        follow_up.note_id = note(
            NoteKind.FOLLOW_UP, follow_up.note, follow_up.institution_id, follow_up.id, when
        )
        follow_up.note = ""

    for conference in case.conferences:
        if conference.category is DataCategory.FALLFUEHRUNG and conference.decisions.strip():
            when = _Written(conference.held_on, conference.recorded_by, conference.recorded_at)
            author = conference.organiser_institution_id
            conference.minutes_note_id = note(
                NoteKind.MINUTES, conference.decisions, author, conference.id, when
            )
            conference.decisions = ""
    return moved
