"""Moving free texts out of the shared core: each becomes a note of its author, once."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from app.domain.cases import (
    CaseConference,
    Closure,
    ClosureReason,
    FollowUp,
    NoteKind,
    Segment,
    SegmentAssessment,
    SharedCase,
)
from app.domain.cases.text_moves import move_free_texts
from app.domain.categories import DataCategory

from .builders import CASEWORKER_SD, IV_STELLE, NOW, RAV, SOZIALDIENST, open_case, present, with_rav

OWN = {
    SOZIALDIENST: DataCategory.SOZIALHILFE,
    RAV: DataCategory.ARBEITSMARKT,
    IV_STELLE: DataCategory.GESUNDHEIT,
}
JOB = uuid.UUID("00000000-0000-0000-0000-0000000000ff")


def _legacy_case() -> SharedCase:
    case = with_rav(open_case())
    case.segment_history += [
        SegmentAssessment(Segment.ORIENTIEREN, date(2025, 1, 15), "", SOZIALDIENST, CASEWORKER_SD, NOW),
        SegmentAssessment(
            Segment.VERAENDERN, date(2025, 3, 1), " Belastbarkeit 50 % ", SOZIALDIENST, CASEWORKER_SD, NOW
        ),
    ]
    case.conferences += [
        CaseConference(date(2025, 3, 5), RAV, [SOZIALDIENST, RAV], "RAV coacht", CASEWORKER_SD, NOW),
        CaseConference(
            date(2025, 3, 6),
            SOZIALDIENST,
            [SOZIALDIENST],
            "schon eingeordnet",
            CASEWORKER_SD,
            NOW,
            DataCategory.GESUNDHEIT,
        ),
    ]
    case.closure = Closure(
        date(2025, 4, 1),
        ClosureReason.TEILABLOESUNG,
        "Stelle",
        SOZIALDIENST,
        CASEWORKER_SD,
        remaining="Mietzins",
    )
    case.follow_up = FollowUp(date(2025, 10, 1), SOZIALDIENST, note="hält")
    return case


def test_every_text_in_the_core_becomes_a_note_under_its_authors_own_category() -> None:
    case = _legacy_case()

    moved = move_free_texts(case, OWN.__getitem__, JOB, NOW)

    assert sorted((m.note.kind, m.note.category, m.note.text) for m in moved) == sorted(
        [
            (NoteKind.SEGMENT_REASON, DataCategory.SOZIALHILFE, "Belastbarkeit 50 %"),
            (NoteKind.MINUTES, DataCategory.ARBEITSMARKT, "RAV coacht"),
            (NoteKind.CLOSURE, DataCategory.SOZIALHILFE, "Stelle"),
            (NoteKind.REMAINING, DataCategory.SOZIALHILFE, "Mietzins"),
            (NoteKind.FOLLOW_UP, DataCategory.SOZIALHILFE, "hält"),
        ]
    )
    segment = case.segment_history[-1]
    assert (segment.reason, present(case.note(present(segment.reason_note_id))).recorded_by) == (
        "",
        CASEWORKER_SD,
    )
    closure = present(case.closure)
    assert (closure.note, closure.remaining, closure.reason) == ("", "", ClosureReason.TEILABLOESUNG)
    assert present(case.note(present(closure.remaining_note_id))).text == "Mietzins"
    assert present(case.note(present(present(case.follow_up).note_id))).recorded_by == JOB
    rav_conference, classified = case.conferences
    assert (rav_conference.decisions, rav_conference.category) == ("", DataCategory.FALLFUEHRUNG)
    assert classified.decisions == "schon eingeordnet"  # a category its author chose stays as it is
    assert all(note.owner_institution_id in OWN for note in case.notes)


def test_a_second_move_finds_nothing() -> None:
    case = _legacy_case()
    move_free_texts(case, OWN.__getitem__, JOB, NOW)
    notes = list(case.notes)

    assert move_free_texts(case, OWN.__getitem__, JOB, NOW) == []
    assert case.notes == notes


def test_a_case_without_texts_in_the_core_is_left_alone() -> None:
    case = _legacy_case()
    case.segment_history[-1] = replace(case.segment_history[-1], reason="")
    case.conferences = []
    case.closure = replace(present(case.closure), note="", remaining="")
    present(case.follow_up).note = ""

    assert move_free_texts(case, OWN.__getitem__, JOB, NOW) == []
    assert case.notes == []
