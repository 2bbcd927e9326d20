"""A DFF case from intake to follow-up, through every sub-resource of the API."""

from __future__ import annotations

from typing import Any

from tests.api_helpers import Api, days_ago


def _only(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1
    return items[0]


def test_full_case_from_intake_to_archived_follow_up(api: Api) -> None:
    world = api.world
    case = api.open_case("sd", opened_days_ago=300)
    case_id = case["id"]
    api.add_participant(case_id, world.rav.id)
    api.add_participant(case_id, world.iv.id)

    body = api.ok(
        case_id,
        "assessments",
        {"kind": "kurzassessment", "assessed_on": days_ago(290), "findings": "Motiviert"},
    )
    assert _only(body["potenzial"]["assessments"])["kind"] == "kurzassessment"

    body = api.ok(case_id, "segment", {"segment": "O", "assessed_on": days_ago(285)})
    body = api.ok(case_id, "activation", {})
    assert body["fallfuehrung"]["phase"] == "active"

    refused = api.post(case_id, "segment", {"segment": "V", "assessed_on": days_ago(100)})
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "detail": "Ein Segmentwechsel braucht eine Begründung.",
        "pointer": "#/reason",
    }
    body = api.ok(
        case_id, "segment", {"segment": "V", "assessed_on": days_ago(100), "reason": "vPe abgeschlossen"}
    )
    segment = body["fallfuehrung"]["segment"]
    assert segment["current"] == "V"
    assert [h["segment"] for h in segment["history"]] == ["O", "V"]
    assert segment["reassessment_due"] is False

    body = api.ok(case_id, "plan/goals", {"title": "Stelle im ersten Arbeitsmarkt"})
    goal = _only(body["integrationsplan"]["goals"])
    body = api.ok(
        case_id,
        "plan/measures",
        {
            "title": "Bewerbungscoaching",
            "kind": "job_coaching",
            "goal_id": goal["id"],
            "start_on": days_ago(90),
            "status": "running",
            "provider": "Regiomech",
        },
    )
    running = _only(body["integrationsplan"]["measures"])
    api.ok(case_id, "plan/measures", {"title": "Praktikum", "kind": "practical_placement"}, user="rav")

    body = api.ok(
        case_id,
        "reviews",
        {
            "held_on": days_ago(30),
            "summary": "Gute Fortschritte",
            "next_review_on": days_ago(-60),
            "progress": [{"goal_id": goal["id"], "rating": "on_track"}],
        },
    )
    assert _only(body["integrationsplan"]["reviews"])["progress"][0]["rating"] == "on_track"

    body = api.ok(
        case_id,
        "conferences",
        {
            "held_on": days_ago(20),
            "participant_institution_ids": [str(world.sozialdienst.id), str(world.rav.id)],
            "decisions": "RAV übernimmt Stellensuche",
        },
    )
    conference = _only(body["fallfuehrung"]["conferences"])
    # the Sozialdienst's own category by default, beside the reason of the segment change
    minutes = _only([n for n in body["sozialhilfe"]["notes"] if n["kind"] == "minutes"])
    assert (conference["minutes_note_id"], minutes["kind"]) == (minutes["id"], "minutes")
    assert minutes["text"] == "RAV übernimmt Stellensuche"

    refused = api.post(case_id, "closure", {"reason": "erwerbsarbeit"}, user="rav")
    assert refused.status_code == 422  # only the lead closes

    body = api.ok(
        case_id, "closure", {"reason": "erwerbsarbeit", "closed_on": days_ago(10), "note": "Festanstellung"}
    )
    core = body["fallfuehrung"]
    assert core["phase"] == "closed"
    assert core["closure"]["reason"] == "erwerbsarbeit"
    assert core["follow_up"]["due_on"] > days_ago(0)
    measures = {m["id"]: m for m in body["integrationsplan"]["measures"]}
    assert measures[running["id"]]["status"] == "ended_by_closure"
    assert measures[running["id"]]["end_on"] == days_ago(10)
    seen_by_rav = api.get_case(case_id, user="rav").json()["integrationsplan"]["measures"]
    rav_measure = next(m for m in seen_by_rav if m["title"] == "Praktikum")
    assert rav_measure["status"] == "planned"  # the Sozialdienst's closure ends only its own measures

    refused = api.post(case_id, "plan/goals", {"title": "Noch ein Ziel"})
    assert refused.status_code == 409
    assert refused.json()["title"] == "In dieser Fallphase nicht möglich"

    body = api.ok(case_id, "follow-up", {"started_on": days_ago(5)})
    assert body["fallfuehrung"]["phase"] == "follow_up"
    early = api.post(case_id, "follow-up/result", {"result": "sustainable", "note": "Weiterhin angestellt"})
    assert early.status_code == 409
    assert early.json()["rule"] == "dff.nachbetreuung.6-monate"
    body = api.ok(
        case_id,
        "follow-up/result",
        {"result": "sustainable", "note": "Weggezogen, weiterhin angestellt", "early_end": "wegzug"},
    )
    assert body["fallfuehrung"]["phase"] == "archived"
    assert body["fallfuehrung"]["follow_up"]["result"] == "sustainable"

    refused = api.post(case_id, "journal", {"category": "fallfuehrung", "text": "zu spät"})
    assert refused.status_code == 409


def test_follow_up_is_refused_before_closure(api: Api) -> None:
    case = api.open_case()
    response = api.post(case["id"], "follow-up", {})
    assert response.status_code == 409
    assert response.json()["detail"] == "Die Nachbetreuung ist erst nach dem Fallabschluss möglich."


def test_closure_without_follow_up_can_be_archived(api: Api) -> None:
    case = api.open_case()
    body = api.ok(case["id"], "closure", {"reason": "wegzug"})
    assert body["fallfuehrung"]["follow_up"] is None
    body = api.ok(case["id"], "archive", {})
    assert body["fallfuehrung"]["phase"] == "archived"


def test_activation_needs_a_segment(api: Api) -> None:
    case = api.open_case()
    api.ok(case["id"], "intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    response = api.post(case["id"], "activation", {})
    assert response.status_code == 422
    assert response.json()["rule"] == "dff.aktivierung.segment"
    assert "Vor der Aktivierung muss der Fall segmentiert werden." in response.json()["detail"]


def test_lead_handover_and_leaving(api: Api) -> None:
    world = api.world
    case = api.open_case("sd")
    body = api.add_participant(case["id"], world.rav.id)
    url = f"/api/v1/cases/{case['id']}"

    cannot_leave = api.client.delete(
        f"{url}/participants/{world.sozialdienst.id}", headers=api.headers("sd", f'"{body["version"]}"')
    )
    assert cannot_leave.status_code == 422
    assert "fallführende Stelle" in cannot_leave.json()["detail"]

    rav_user = world.users["rav"]
    direct = api.client.put(
        f"{url}/lead",
        json={"institution_id": str(world.rav.id), "contact_person_id": str(rav_user.id)},
        headers=api.headers("sd", f'"{body["version"]}"'),
    )
    assert direct.status_code == 409
    assert direct.json()["rule"] == "iiz.fallfuehrung.annahme"
    proposed = api.ok(
        case["id"],
        "lead-handover",
        {"institution_id": str(world.rav.id), "note": "Stellensuche im Vordergrund"},
    )
    assert proposed["fallfuehrung"]["lead_institution_id"] == str(world.sozialdienst.id)  # until accepted
    handed = api.client.post(
        f"{url}/invitations/{proposed['fallfuehrung']['invitations'][-1]['id']}/accept",
        json={"contact_person_id": str(rav_user.id)},
        headers=api.headers("rav"),
    )
    assert handed.status_code == 200, handed.text
    core = handed.json()["fallfuehrung"]
    assert core["lead_institution_id"] == str(world.rav.id)
    assert core["contact_person"]["display_name"] == rav_user.display_name

    left = api.client.delete(
        f"{url}/participants/{world.sozialdienst.id}", headers=api.headers("sd", handed.headers["ETag"])
    )
    assert left.status_code == 200, left.text
    assert api.get_case(case["id"], user="sd").status_code == 404  # no longer working on it


def test_contact_person_must_belong_to_the_lead(api: Api) -> None:
    case = api.open_case("sd")
    response = api.client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"contact_person_id": str(api.world.users["rav"].id)},
        headers=api.headers("sd", '"1"'),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/contact_person_id"


def test_only_the_owner_changes_a_measure(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    body = api.ok(case["id"], "plan/measures", {"title": "AMM Kurs", "kind": "labour_market"}, user="rav")
    measure = _only(body["integrationsplan"]["measures"]) if "integrationsplan" in body else None
    assert measure is not None
    url = f"/api/v1/cases/{case['id']}/plan/measures/{measure['id']}"
    etag = f'"{body["version"]}"'
    refused = api.client.patch(url, json={"status": "cancelled"}, headers=api.headers("sd", etag))
    assert refused.status_code == 422
    done = api.client.patch(
        url,
        json={"status": "completed", "outcome": "Bestanden", "start_on": days_ago(40), "end_on": days_ago(5)},
        headers=api.headers("rav", etag),
    )
    assert done.status_code == 200, done.text
    assert _only(done.json()["integrationsplan"]["measures"])["status"] == "completed"


def test_measure_ending_before_it_starts_is_refused_and_not_stored(api: Api) -> None:
    case = api.open_case()
    response = api.post(
        case["id"],
        "plan/measures",
        {"title": "Kurs", "kind": "course", "start_on": days_ago(10), "end_on": days_ago(20)},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/end_on"
    after = api.get_case(case["id"])
    assert after.json()["version"] == 1
    assert "integrationsplan" not in after.json()


def test_journal_category_stammdaten_is_refused(api: Api) -> None:
    case = api.open_case()
    response = api.post(case["id"], "journal", {"category": "stammdaten", "text": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/category"


def test_review_of_unknown_goal_points_at_the_progress_entry(api: Api) -> None:
    case = api.open_case()
    response = api.post(
        case["id"],
        "reviews",
        {
            "held_on": days_ago(1),
            "summary": "x",
            "progress": [{"goal_id": "00000000-0000-4000-8000-000000000000", "rating": "delayed"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/progress/0/goal_id"


def test_patch_clears_optional_dates_and_refuses_null_for_required_fields(api: Api) -> None:
    case = api.open_case()
    body = api.ok(
        case["id"],
        "plan/measures",
        {"title": "Kurs", "kind": "course", "start_on": days_ago(10), "end_on": days_ago(1)},
    )
    measure = _only(body["integrationsplan"]["measures"])
    url = f"/api/v1/cases/{case['id']}/plan/measures/{measure['id']}"
    cleared = api.client.patch(url, json={"end_on": None}, headers=api.headers("sd", f'"{body["version"]}"'))
    assert cleared.status_code == 200, cleared.text
    changed = _only(cleared.json()["integrationsplan"]["measures"])
    assert (changed["end_on"], changed["start_on"]) == (None, days_ago(10))
    refused = api.client.patch(url, json={"title": None}, headers=api.headers("sd", cleared.headers["ETag"]))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/title"


def test_contact_person_can_be_removed(api: Api) -> None:
    case = api.open_case("sd", contact_person_id=str(api.world.users["sd"].id))
    assert case["fallfuehrung"]["contact_person"]["display_name"] == "Sara Dietler"
    response = api.client.patch(
        f"/api/v1/cases/{case['id']}", json={"contact_person_id": None}, headers=api.headers("sd", '"1"')
    )
    assert response.status_code == 200
    assert response.json()["fallfuehrung"]["contact_person"] is None


def test_goal_patch_keeps_the_case_rules(api: Api) -> None:
    case = api.open_case("sd", opened_days_ago=100)
    body = api.ok(case["id"], "plan/goals", {"title": "Ziel"})
    goal = _only(body["integrationsplan"]["goals"])
    url = f"/api/v1/cases/{case['id']}/plan/goals/{goal['id']}"
    early = api.client.patch(
        url, json={"target_on": days_ago(200)}, headers=api.headers("sd", f'"{body["version"]}"')
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["pointer"] == "#/target_on"
    body = api.ok(case["id"], "closure", {"reason": "wegzug"})
    body = api.ok(case["id"], "archive", {})
    late = api.client.patch(
        url, json={"status": "achieved"}, headers=api.headers("sd", f'"{body["version"]}"')
    )
    assert late.status_code == 409


def test_an_archived_case_keeps_its_settings_and_references(api: Api) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "closure", {"reason": "wegzug"})
    body = api.ok(case["id"], "archive", {})
    etag = f'"{body["version"]}"'
    url = f"/api/v1/cases/{case['id']}"
    settings = api.client.patch(
        url, json={"reassessment_interval_months": 3}, headers=api.headers("sd", etag)
    )
    reference = api.client.patch(
        f"{url}/participants/{api.world.sozialdienst.id}",
        json={"local_reference": "NEU"},
        headers=api.headers("sd", etag),
    )
    assert settings.status_code == reference.status_code == 409


def test_if_match_star_does_not_satisfy_a_required_if_match(api: Api) -> None:
    case = api.open_case()
    response = api.client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"reassessment_interval_months": 3},
        headers=api.headers("sd", "*"),
    )
    assert response.status_code == 428


def test_control_characters_are_refused_in_texts(api: Api) -> None:
    case = api.open_case()
    reference = api.post(
        case["id"], "participants", {"institution_id": str(api.world.rav.id), "local_reference": "R\u0000"}
    )
    assert reference.status_code == 422
    assert reference.json()["errors"][0]["pointer"] == "#/local_reference"
    note = api.ok(case["id"], "journal", {"category": "fallfuehrung", "text": "Zeile 1\nZeile 2\tmit Tab"})
    assert _only(note["fallfuehrung"]["journal"])["text"] == "Zeile 1\nZeile 2\tmit Tab"


def test_an_institution_that_left_loses_the_stammdaten_too(api: Api) -> None:
    world = api.world
    case = api.open_case("sd")
    api.add_participant(case["id"], world.rav.id)
    proposed = api.ok(case["id"], "lead-handover", {"institution_id": str(world.rav.id), "note": "Übergabe"})
    handed = api.client.post(
        f"/api/v1/cases/{case['id']}/invitations/{proposed['fallfuehrung']['invitations'][-1]['id']}/accept",
        json={},
        headers=api.headers("rav"),
    )
    left = api.client.delete(
        f"/api/v1/cases/{case['id']}/participants/{world.sozialdienst.id}",
        headers=api.headers("sd", handed.headers["ETag"]),
    )
    assert left.status_code == 200
    assert (
        api.client.get(f"/api/v1/persons/{case['person_id']}", headers=api.headers("sd")).status_code == 404
    )
    again = api.client.post(
        "/api/v1/cases",
        json={"person_id": case["person_id"], "local_reference": "X", "opened_on": days_ago(0)},
        headers=api.headers("sd"),
    )
    assert again.status_code == 404  # the case elsewhere is not confirmed either
