"""Supervision by the AGS: counts per Sozialregion, no personal data; single cases only on a legal basis."""

from __future__ import annotations

from typing import Any

from tests.api_helpers import Api, days_ago


def _region(api: Api, user: str = "ags-cm") -> dict[str, Any]:
    response = api.client.get("/api/v1/supervision/process", headers=api.headers(user))
    assert response.status_code == 200, response.text
    return next(
        r for r in response.json()["regions"] if r["region_institution_id"] == str(api.world.sozialdienst.id)
    )


def test_the_ags_sees_counts_per_region_and_no_personal_data(api: Api) -> None:
    before = _region(api)
    case = api.open_case("sd", opened_days_ago=400)
    api.ok(case["id"], "segment", {"segment": "V", "assessed_on": days_ago(300)})
    api.open_case("sd", opened_days_ago=90)  # an intake without segment for three months
    after = _region(api)
    assert after["overdue_reassessments"] == before["overdue_reassessments"] + 1
    assert after["intakes_without_segment"] == before["intakes_without_segment"] + 1
    assert after["open_cases"] == before["open_cases"] + 2
    assert "case_ids" not in after
    raw = api.client.get("/api/v1/supervision/process", headers=api.headers("ags-cm")).text
    assert case["id"] not in raw and case["person_id"] not in raw


def test_drill_down_needs_a_legal_basis_and_only_the_ags_supervises(api: Api) -> None:
    refused = api.client.get("/api/v1/supervision/process?drill_down=true", headers=api.headers("ags-cm"))
    assert refused.status_code == 403
    assert "ags.aufsicht.einzelfall" in refused.json()["detail"]
    for user in ("sd", "lead", "rav-lead"):
        assert api.client.get("/api/v1/supervision/process", headers=api.headers(user)).status_code == 403
