"""Zuweisung, Aufnahmeentscheid and Clearing: dated, audited, visible to the institutions involved only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from tests.api_helpers import Api
from tests.audit_log import last_audit_event


def _refer(api: Api, user: str = "rav", **fields: Any) -> dict[str, Any]:
    person = api.register_person(user)
    body = {
        "person_id": person["id"],
        "region_institution_id": str(api.world.sozialdienst.id),
        "reason": "Langzeitarbeitslos, Aussteuerung absehbar",
        "tried": "Bewerbungscoaching, zwei Einsatzprogramme",
        "urgency": "urgent",
    }
    body.update(fields)
    response = api.client.post("/api/v1/referrals", json=body, headers=api.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


def _post(api: Api, referral: dict[str, Any], path: str, body: dict[str, Any], user: str) -> Any:
    return api.client.post(f"/api/v1/referrals/{referral['id']}/{path}", json=body, headers=api.headers(user))


def test_a_referral_is_admitted_and_opens_the_case_with_the_named_lead(api: Api, engine: Engine) -> None:
    world = api.world
    referral = _refer(api)
    assert referral["status"] == "submitted"
    assert referral["cm_body_institution_id"] == str(world.sozialdienst.id)  # default: the region itself
    assert referral["category"] == "arbeitsmarkt"  # the author's own category by default

    pending = api.client.get("/api/v1/pendenzen?scope=institution", headers=api.headers("lead")).json()[
        "items"
    ]
    assert any(p["kind"] == "referral" and p["involvement"] == "fallfuehrend" for p in pending)

    meeting = _post(api, referral, "meeting", {"meeting_on": referral["referred_on"]}, "sd")
    assert meeting.status_code == 200 and meeting.json()["status"] == "meeting_scheduled"
    lead = str(world.sozialdienst.id)
    decided = _post(
        api,
        referral,
        "decision",
        {"outcome": "admitted", "reason": "IIZ angezeigt", "lead_institution_id": lead},
        "sd",
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["status"] == "admitted" and body["decision"]["lead_institution_id"] == lead
    assert last_audit_event(engine).operation == "referrals.decide"

    case = api.get_case(body["case_id"], "sd").json()
    assert case["fallfuehrung"]["lead_institution_id"] == lead
    participants = {p["institution_id"] for p in case["fallfuehrung"]["participants"]}
    assert participants == {lead, str(world.rav.id)}  # the referring RAV takes part from the start
    again = _post(api, referral, "decision", {"outcome": "declined", "reason": "doch nicht"}, "sd")
    assert again.status_code == 422


def test_a_declined_referral_goes_to_the_clearing_body_which_decides(api: Api) -> None:
    world = api.world
    referral = _refer(api)
    refused = _post(
        api, referral, "decision", {"outcome": "declined", "reason": "Kein Handlungsbedarf"}, "rav"
    )
    assert refused.status_code == 422  # only the case-management body decides
    declined = _post(
        api, referral, "decision", {"outcome": "declined", "reason": "Kein Handlungsbedarf"}, "sd"
    )
    assert declined.json()["status"] == "declined"

    assert (
        api.client.get(f"/api/v1/referrals/{referral['id']}", headers=api.headers("ags-cm")).status_code
        == 404
    )
    at_clearing = _post(api, referral, "clearing", {}, "rav")
    assert at_clearing.json()["status"] == "at_clearing"
    seen = api.client.get("/api/v1/referrals", headers=api.headers("ags-cm")).json()["items"]
    assert [r["id"] for r in seen] == [referral["id"]]

    cleared = _post(
        api,
        referral,
        "clearing/decision",
        {
            "outcome": "admitted",
            "reason": "Mehrfachproblematik",
            "lead_institution_id": str(world.sozialdienst.id),
        },
        "ags-cm",
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["status"] == "cleared" and cleared.json()["case_id"]


def test_a_referral_is_invisible_to_institutions_not_involved(api: Api) -> None:
    referral = _refer(api)
    for user in ("iv", "olten", "ags-cm"):
        response = api.client.get(f"/api/v1/referrals/{referral['id']}", headers=api.headers(user))
        missing = api.client.get(
            "/api/v1/referrals/00000000-0000-0000-0000-000000000000", headers=api.headers(user)
        )
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
        assert api.client.get("/api/v1/referrals", headers=api.headers(user)).json()["items"] == []
        assert (
            _post(api, referral, "meeting", {"meeting_on": referral["referred_on"]}, user).status_code == 404
        )
