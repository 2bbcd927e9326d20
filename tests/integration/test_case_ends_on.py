"""The end of the follow-up period, stored in plain text beside the sealed closure (migration 0008),
ends the case's consents for every reader alike, also for a case closed before the column existed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text

from tests.api_helpers import Api


def _consent_status(api: Api, case_id: str) -> str:
    response = api.client.get(f"/api/v1/cases/{case_id}/consents", headers=api.headers("sd"))
    assert response.status_code == 200, response.text
    return str(response.json()["items"][0]["status"])


def test_consents_end_with_the_follow_up_period_with_or_without_the_stored_date(
    api: Api, engine: Engine
) -> None:
    case = api.open_case("sd", opened_days_ago=400)
    api.add_participant(case["id"], api.world.rav.id)
    api.grant_consent(case["id"], [(api.world.sozialdienst.id, api.world.rav.id)], ["integrationsplan"])
    assert _consent_status(api, case["id"]) == "active"
    closed_on = date.today() - timedelta(days=200)  # the six months of follow-up are over
    api.ok(case["id"], "closure", {"reason": "wegzug", "closed_on": closed_on.isoformat()})
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT case_ends_on FROM cases WHERE id = :id"), {"id": case["id"].replace("-", "")}
        ).scalar_one_or_none()
    assert stored is not None
    assert _consent_status(api, case["id"]) == "expired"

    with engine.begin() as connection:  # as a case closed before 0008 looks
        connection.execute(text("UPDATE cases SET case_ends_on = NULL"))
    assert _consent_status(api, case["id"]) == "expired"  # read from the sealed closure instead
