"""The shared core holds structured facts only: every free text on a case is a note under the category
its author chose (default: the own institution's), and a participant reads it only on that
category's basis, like any other item."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.api_helpers import Api, days_ago
from tests.integration.web_client import _csrf, _version

SEGMENT_REASON = "Belastbarkeit auf 50 % gesteigert"
CONFERENCE_MINUTES = "Rückenschonende Tätigkeit vereinbart"
SCHEDULED_MINUTES = "Diagnose bestätigt, Umschulung geprüft"
HANDOVER_NOTE = "Budget und Mietzins offen"
CLOSURE_NOTE = "Festanstellung trotz Rückenleiden"
FOLLOW_UP_NOTE = "Stelle gehalten, Schmerzen im Griff"
EVERY_TEXT = (
    SEGMENT_REASON,
    CONFERENCE_MINUTES,
    SCHEDULED_MINUTES,
    HANDOVER_NOTE,
    CLOSURE_NOTE,
    FOLLOW_UP_NOTE,
)


def _notes(body: dict[str, Any], category: str) -> dict[str, str]:
    return {n["kind"]: n["text"] for n in (body.get(category) or {}).get("notes", [])}


def _case_with_every_free_text(api: Api) -> str:
    """A Sozialdienst-led case with the RAV taking part; the lead writes each kind of free text,
    the health details under `gesundheit`, the rest under its own category (`sozialhilfe`)."""
    world = api.world
    case_id = str(api.open_case("sd", opened_days_ago=400)["id"])
    api.add_participant(case_id, world.rav.id)
    api.ok(case_id, "assessments", {"kind": "kurzassessment", "assessed_on": days_ago(390), "findings": "ok"})
    api.ok(case_id, "segment", {"segment": "O", "assessed_on": days_ago(385)})
    api.ok(case_id, "activation", {})
    api.ok(
        case_id,
        "segment",
        {"segment": "V", "assessed_on": days_ago(300), "reason": SEGMENT_REASON, "category": "gesundheit"},
    )
    participants = [str(world.sozialdienst.id), str(world.rav.id)]
    api.ok(
        case_id,
        "conferences",
        {
            "held_on": days_ago(290),
            "participant_institution_ids": participants,
            "decisions": CONFERENCE_MINUTES,
        },
    )
    scheduled = api.ok(
        case_id,
        "conferences/scheduled",
        {"planned_on": days_ago(280), "invited_institution_ids": participants},
    )
    conference_id = next(c for c in scheduled["fallfuehrung"]["conferences"] if c["scheduled"])["id"]
    api.ok(
        case_id,
        f"conferences/{conference_id}/minutes",
        {"decisions": SCHEDULED_MINUTES, "category": "gesundheit"},
    )
    proposed = api.ok(case_id, "lead-handover", {"institution_id": str(world.rav.id), "note": HANDOVER_NOTE})
    invitation = next(i for i in proposed["fallfuehrung"]["invitations"] if i["kind"] == "lead")
    response = api.client.delete(
        f"/api/v1/cases/{case_id}/invitations/{invitation['id']}",
        headers=api.headers("sd", f'"{proposed["version"]}"'),
    )
    assert response.status_code == 200, response.text
    api.ok(case_id, "closure", {"reason": "erwerbsarbeit", "closed_on": days_ago(250), "note": CLOSURE_NOTE})
    api.ok(case_id, "follow-up/result", {"result": "sustainable", "note": FOLLOW_UP_NOTE})
    return case_id


def test_rav_reads_no_free_text_of_the_sozialdienst_without_consent(api: Api) -> None:
    case_id = _case_with_every_free_text(api)

    seen_by_rav = api.get_case(case_id, user="rav")
    assert seen_by_rav.status_code == 200
    for text in EVERY_TEXT:
        assert text not in seen_by_rav.text, text
    core = seen_by_rav.json()["fallfuehrung"]
    # the structured facts stay shared: segment letter, closure reason, follow-up result
    assert core["segment"]["current"] == "V"
    assert core["closure"]["reason"] == "erwerbsarbeit"
    assert core["follow_up"]["result"] == "sustainable"
    assert core["segment"]["history"][-1]["reason"] == ""
    assert core["segment"]["history"][-1]["reason_note_id"] is not None


def test_the_author_reads_every_text_under_the_category_it_chose(api: Api) -> None:
    case_id = _case_with_every_free_text(api)

    body = api.get_case(case_id, user="sd").json()
    assert _notes(body, "gesundheit") == {"segment_reason": SEGMENT_REASON, "minutes": SCHEDULED_MINUTES}
    assert _notes(body, "sozialhilfe") == {
        "minutes": CONFERENCE_MINUTES,
        "handover": HANDOVER_NOTE,
        "closure": CLOSURE_NOTE,
        "follow_up": FOLLOW_UP_NOTE,
    }
    assert "notes" not in (body["fallfuehrung"] or {}) or body["fallfuehrung"]["notes"] == []


def test_a_consent_for_health_data_opens_exactly_the_texts_filed_under_gesundheit(api: Api) -> None:
    world = api.world
    case_id = _case_with_every_free_text(api)
    # the case is archived: a consent cannot be recorded any more, so a second, open case shows it
    open_case = str(api.open_case("sd", opened_days_ago=100)["id"])
    api.add_participant(open_case, world.rav.id)
    api.ok(open_case, "segment", {"segment": "O", "assessed_on": days_ago(90)})
    api.ok(
        open_case,
        "segment",
        {"segment": "S", "assessed_on": days_ago(80), "reason": SEGMENT_REASON, "category": "gesundheit"},
    )
    api.ok(open_case, "segment", {"segment": "V", "assessed_on": days_ago(70), "reason": HANDOVER_NOTE})
    api.grant_consent(open_case, [(world.sozialdienst.id, world.rav.id)], ["gesundheit"])

    body = api.get_case(open_case, user="rav").json()
    assert _notes(body, "gesundheit") == {"segment_reason": SEGMENT_REASON}
    assert HANDOVER_NOTE not in json.dumps(body)
    assert all(text not in api.get_case(case_id, user="rav").text for text in EVERY_TEXT)


def test_a_category_the_author_may_not_choose_is_refused_at_the_field(api: Api) -> None:
    case_id = str(api.open_case("sd", opened_days_ago=100)["id"])
    refused = api.post(case_id, "segment", {"segment": "O", "reason": "x", "category": "stammdaten"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/category"


def test_the_thin_client_says_who_will_read_the_reason_and_files_it_as_chosen(
    api: Api, browser_for: Callable[[str], TestClient]
) -> None:
    world = api.world
    case_id = str(api.open_case("sd", opened_days_ago=100)["id"])
    api.add_participant(case_id, world.rav.id)
    web = browser_for("sd")

    shown = web.get(f"/faelle/{case_id}").text
    assert (
        "Lesbar für: Sozialregion Wasseramt, und Institutionen mit Einwilligung oder gesetzlicher "
        "Grundlage für Sozialhilfe" in shown
    )
    form = {
        "csrf_token": _csrf(shown),
        "version": _version(shown),
        "segment": "O",
        "reason": SEGMENT_REASON,
        "category": "gesundheit",
    }
    done = web.post(f"/faelle/{case_id}/segment", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text

    assert _notes(api.get_case(case_id, user="sd").json(), "gesundheit") == {"segment_reason": SEGMENT_REASON}
    assert SEGMENT_REASON not in browser_for("rav").get(f"/faelle/{case_id}").text
    closing = web.get(f"/faelle/{case_id}/teil/abschluss").text
    assert "Kategorie der Bemerkung" in closing and "«Fallführung» lesen alle beteiligten Stellen" in closing
