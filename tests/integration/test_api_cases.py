"""The shared case over the API: open, read, list, change with optimistic concurrency."""

from __future__ import annotations

import re
import uuid

from tests.api_helpers import Api, days_ago


def test_opened_case_has_own_institution_as_lead_and_sole_participant(api: Api) -> None:
    case = api.open_case("sd")
    core = case["fallfuehrung"]
    assert core["phase"] == "intake"
    assert core["lead_institution_id"] == str(api.world.sozialdienst.id)
    assert [p["institution_id"] for p in core["participants"]] == [str(api.world.sozialdienst.id)]
    assert case["stammdaten"]["family_name"] == "Keller"


def test_read_returns_a_strong_etag_that_stays_while_nothing_changes(api: Api) -> None:
    case = api.open_case()
    response = api.get_case(case["id"])
    assert response.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{12}(\.[0-9a-f]{12})*"', response.headers["ETag"])
    assert api.get_case(case["id"]).headers["ETag"] == response.headers["ETag"]
    assert response.json()["version"] == 1
    assert response.headers["Cache-Control"] == "no-store"


def test_stale_if_match_is_refused_with_412_and_changes_nothing(api: Api) -> None:
    case = api.open_case()
    url = f"/api/v1/cases/{case['id']}"
    read = api.get_case(case["id"]).headers["ETag"]
    first = api.client.patch(url, json={"reassessment_interval_months": 4}, headers=api.headers("sd", read))
    assert first.status_code == 200
    assert first.headers["ETag"] != read
    stale = api.client.patch(url, json={"reassessment_interval_months": 3}, headers=api.headers("sd", read))
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    current = api.get_case(case["id"])
    assert current.headers["ETag"] == first.headers["ETag"]
    assert current.json()["fallfuehrung"]["reassessment_interval_months"] == 4


def test_the_version_in_the_body_names_the_core_for_if_match(api: Api) -> None:
    case = api.open_case()
    url = f"/api/v1/cases/{case['id']}"
    first = api.client.patch(url, json={"reassessment_interval_months": 4}, headers=api.headers("sd", '"1"'))
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.client.patch(url, json={"reassessment_interval_months": 3}, headers=api.headers("sd", '"1"'))
    assert stale.status_code == 412


def test_an_append_needs_no_if_match_and_ignores_a_stale_one(api: Api) -> None:
    case = api.open_case()
    plain = api.post(case["id"], "journal", {"category": "fallfuehrung", "text": "Notiz"})
    stale = api.post(case["id"], "journal", {"category": "fallfuehrung", "text": "Noch eine"}, etag='"7"')
    assert (plain.status_code, stale.status_code) == (201, 201)
    assert plain.headers["Location"].endswith(f"/api/v1/cases/{case['id']}")
    assert len(api.get_case(case["id"]).json()["fallfuehrung"]["journal"]) == 2


def test_change_without_if_match_is_refused_with_428(api: Api) -> None:
    case = api.open_case()
    response = api.client.patch(
        f"/api/v1/cases/{case['id']}", json={"reassessment_interval_months": 4}, headers=api.headers("sd")
    )
    assert response.status_code == 428


def test_weak_or_malformed_etag_never_matches(api: Api) -> None:
    case = api.open_case()
    url = f"/api/v1/cases/{case['id']}"
    for tag in ('W/"1"', "1", '"eins"'):
        response = api.client.patch(
            url, json={"reassessment_interval_months": 4}, headers=api.headers("sd", tag)
        )
        assert response.status_code == 412, tag


def test_case_of_another_institution_answers_exactly_like_a_missing_one(api: Api) -> None:
    case = api.open_case("sd")
    hidden = api.get_case(case["id"], user="olten")
    missing = api.client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=api.headers("olten"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert set(hidden.headers) - {"x-correlation-id"} == set(missing.headers) - {"x-correlation-id"}


def test_changes_to_an_inaccessible_case_answer_404(api: Api) -> None:
    case = api.open_case("sd")
    response = api.post(case["id"], "journal", {"category": "fallfuehrung", "text": "x"}, user="olten")
    assert response.status_code == 404


def test_participant_sees_shared_core_but_not_other_institutions_special_data(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget angepasst"})
    api.ok(case["id"], "journal", {"category": "arbeitsmarkt", "text": "Bewerbungen geprüft"}, user="rav")

    seen_by_rav = api.get_case(case["id"], user="rav").json()
    assert "sozialhilfe" not in seen_by_rav
    assert "Budget angepasst" not in str(seen_by_rav)
    assert seen_by_rav["categories"] == ["stammdaten", "fallfuehrung", "arbeitsmarkt"]
    assert seen_by_rav["arbeitsmarkt"]["journal"][0]["text"] == "Bewerbungen geprüft"

    seen_by_sd = api.get_case(case["id"], user="sd").json()
    assert seen_by_sd["sozialhilfe"]["journal"][0]["text"] == "Budget angepasst"
    assert "arbeitsmarkt" not in seen_by_sd


def test_list_shows_only_cases_the_institution_participates_in(api: Api) -> None:
    mine = api.open_case("sd")
    theirs = api.open_case("olten")
    listed = api.client.get("/api/v1/cases", headers=api.headers("sd")).json()
    ids = {item["id"] for item in listed["items"]}
    assert mine["id"] in ids
    assert theirs["id"] not in ids
    assert listed["items"][0]["display_name"] == "Keller, Mara"


def test_cursor_pagination_walks_every_case_once(api: Api) -> None:
    created = {api.open_case("iv", opened_days_ago=days)["id"] for days in (10, 10, 10, 20, 30, 40, 50)}
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/api/v1/cases", params=params, headers=api.headers("iv")).json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


def test_invalid_cursor_is_a_german_problem(api: Api) -> None:
    response = api.client.get("/api/v1/cases", params={"cursor": "kaputt"}, headers=api.headers("sd"))
    assert response.status_code == 422
    assert response.json()["detail"] == "Der Cursor ist ungültig."


def test_filters_by_segment_phase_and_due_reassessment(api: Api) -> None:
    due = api.open_case("iv", opened_days_ago=400)
    api.ok(due["id"], "segment", {"segment": "O", "assessed_on": days_ago(300)}, user="iv")
    fresh = api.open_case("iv", opened_days_ago=100)
    api.ok(fresh["id"], "segment", {"segment": "O", "assessed_on": days_ago(10)}, user="iv")
    api.ok(fresh["id"], "intake-steps", {"step": "kurzassessment", "outcome": "completed"}, user="iv")
    api.ok(fresh["id"], "activation", {}, user="iv")

    def ids(**params: str) -> set[str]:
        body = api.client.get("/api/v1/cases", params=params, headers=api.headers("iv")).json()
        return {item["id"] for item in body["items"]}

    assert ids(segment="O") == {due["id"], fresh["id"]}
    assert ids(reassessment_due="true") == {due["id"]}
    assert ids(phase="active") == {fresh["id"]}
    assert ids(segment="A") == set()
    bad = api.client.get("/api/v1/cases", params={"segment": "X"}, headers=api.headers("iv"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["parameter"] == "segment"


def test_unknown_case_id_format_is_a_german_validation_problem(api: Api) -> None:
    response = api.client.get("/api/v1/cases/keine-uuid", headers=api.headers("sd"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"] == "Erwartet wird eine UUID."


def test_unknown_route_is_a_problem_in_german(api: Api) -> None:
    response = api.client.get("/api/v1/gibt-es-nicht", headers=api.headers("sd"))
    assert response.status_code == 404
    assert response.json()["title"] == "Nicht gefunden"


def test_a_person_has_one_open_shared_case_at_a_time(api: Api) -> None:
    case = api.open_case("sd")
    second = api.client.post(
        "/api/v1/cases",
        json={"person_id": case["person_id"], "local_reference": "X-2", "opened_on": days_ago(1)},
        headers=api.headers("sd"),
    )
    assert second.status_code == 409  # the same answer as for a simultaneous opening
    assert second.json()["errors"][0]["pointer"] == "#/person_id"
    api.ok(case["id"], "closure", {"reason": "wegzug"})
    api.ok(case["id"], "archive", {})
    third = api.client.post(
        "/api/v1/cases",
        json={"person_id": case["person_id"], "local_reference": "X-3", "opened_on": days_ago(0)},
        headers=api.headers("sd"),
    )
    assert third.status_code == 201, third.text


def test_wrong_method_is_a_german_problem(api: Api) -> None:
    response = api.client.delete("/api/v1/cases", headers=api.headers("sd"))
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Methode nicht erlaubt"


def test_oversized_body_is_refused_before_parsing(api: Api) -> None:
    case = api.open_case()
    huge = {"category": "fallfuehrung", "text": "x" * 1_100_000}
    before = api.get_case(case["id"]).headers["ETag"]
    response = api.post(case["id"], "journal", huge)
    assert response.status_code == 413
    assert response.json()["title"] == "Anfrage zu gross"
    assert api.get_case(case["id"]).headers["ETag"] == before


def test_cursor_with_wrong_types_is_a_validation_problem_not_a_crash(api: Api) -> None:
    import base64
    import json

    for payload in ({"o": "2024-01-01", "i": 5}, {"o": "2024-01-01", "i": [1]}, ["x"], {"o": 3, "i": "y"}):
        cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        response = api.client.get("/api/v1/cases", params={"cursor": cursor}, headers=api.headers("sd"))
        assert response.status_code == 422, payload
