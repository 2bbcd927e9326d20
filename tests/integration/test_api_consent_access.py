"""Consent, assignment and break-glass over the API: effects on the very next request, history, audit."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from app.bootstrap import Container
from tests.api_helpers import Api, client_with, consent_body, days_ago
from tests.audit_log import last_audit_event
from tests.world import World

pytestmark = pytest.mark.integration


def _case_with_rav_and_plan(api: Api) -> str:
    case_id = api.open_case("sd")["id"]
    api.add_participant(case_id, api.world.rav.id)
    api.ok(
        case_id,
        "assessments",
        {"kind": "kurzassessment", "assessed_on": days_ago(10), "findings": "belastbar"},
    )
    return case_id


def test_revocation_withholds_the_category_on_the_next_request(api: Api, engine: Engine) -> None:
    case_id = _case_with_rav_and_plan(api)
    consent = api.grant_consent(case_id, [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    event = last_audit_event(engine)
    assert (event.action, event.record_ids) == ("consent_grant", [consent["id"]])
    assert "potenzial" in api.get_case(case_id, "rav").json()["categories"]
    assert "consent:" + consent["id"] in last_audit_event(engine).bases

    api.ok(case_id, f"consents/{consent['id']}/revocation", {"reason": "Telefonisch widerrufen."}, "rav")
    assert last_audit_event(engine).action == "consent_revoke"
    after = api.get_case(case_id, "rav").json()
    assert "potenzial" not in after["categories"]
    assert "potenzial" not in after
    history = api.client.get(
        f"/api/v1/cases/{case_id}/consents/{consent['id']}/history", headers=api.headers("sd")
    )
    assert [e["kind"] for e in history.json()["items"]] == ["granted", "revoked"]


def test_a_replacement_supersedes_the_earlier_consent(api: Api) -> None:
    case_id = _case_with_rav_and_plan(api)
    flows = [(api.world.sozialdienst.id, api.world.rav.id)]
    first = api.grant_consent(case_id, flows, ["potenzial"])
    second = api.grant_consent(case_id, flows, ["potenzial", "integrationsplan"], supersedes=first["id"])
    listed = api.client.get(f"/api/v1/cases/{case_id}/consents", headers=api.headers("rav")).json()["items"]
    assert {c["id"]: c["status"] for c in listed} == {first["id"]: "superseded", second["id"]: "active"}


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"evidence": {"file": base64.b64encode(b"GIF89a").decode()}}, "#/evidence/file"),
        ({"valid_until": (datetime.now(UTC) + timedelta(days=800)).isoformat()}, "#/valid_until"),
        ({"flows": [{"from_institution_id": "IV", "to_institution_id": "RAV"}]}, "#/flows/0"),
    ],
)
def test_invalid_consents_are_refused_with_a_pointer(
    api: Api, change: dict[str, object], pointer: str
) -> None:
    case_id = _case_with_rav_and_plan(api)
    body = consent_body(api.world, [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    if "evidence" in change:
        body["evidence"].update(change["evidence"])  # type: ignore[union-attr, arg-type]
    elif "flows" in change:
        body["flows"] = [
            {"from_institution_id": str(api.world.iv.id), "to_institution_id": str(api.world.rav.id)}
        ]
    else:
        body.update(change)
    response = api.post(case_id, "consents", body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == pointer


def test_unassigned_caseworker_loses_the_case_on_the_next_request(api: Api) -> None:
    case_id = _case_with_rav_and_plan(api)
    assert api.get_case(case_id, "rav").status_code == 200
    assert api.get_case(case_id, "rav-colleague").status_code == 404
    user_id = api.world.users["rav"].id
    gone = api.client.delete(
        f"/api/v1/cases/{case_id}/assignments/{user_id}", headers=api.headers("rav-lead")
    )
    assert gone.status_code == 204
    assert api.get_case(case_id, "rav").status_code == 404
    listed = api.client.get("/api/v1/cases", headers=api.headers("rav")).json()["items"]
    assert case_id not in {item["id"] for item in listed}


def test_assignment_is_for_supervisors_and_caseworkers_of_the_own_institution(api: Api) -> None:
    case_id = _case_with_rav_and_plan(api)
    colleague = {"user_id": str(api.world.users["rav-colleague"].id)}
    assert api.post(case_id, "assignments", colleague, "rav").status_code == 403
    assert (
        api.post(case_id, "assignments", {"user_id": str(api.world.users["sd"].id)}, "rav-lead").status_code
        == 422
    )
    assert api.post(case_id, "assignments", colleague, "rav-lead").status_code == 201
    assert api.get_case(case_id, "rav-colleague").status_code == 200


class Clock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


def test_break_glass_is_read_only_audited_for_the_dpo_and_time_limited(
    container: Container, world: World, engine: Engine
) -> None:
    clock = Clock()
    with client_with(container, clock=clock) as client:
        api = Api(client, world)
        case_id = _case_with_rav_and_plan(api)
        api.ok(case_id, "journal", {"category": "sozialhilfe", "text": "Budget"})
        assert "sozialhilfe" not in api.get_case(case_id, "rav-lead").json()["categories"]

        short = api.post(case_id, "break-glass", {"reason": "dringend"}, "rav-lead")
        assert short.status_code == 422
        reason = {"reason": "Klient droht die Wohnung zu verlieren; Stand der Sozialhilfe sofort nötig."}
        opened = api.post(case_id, "break-glass", reason, "rav-lead")
        assert opened.status_code == 201
        event = last_audit_event(engine)
        assert event.action == "break_glass"
        assert event.bases == [f"break_glass:{opened.json()['id']}"]
        assert "Datenschutzbeauftragte" in event.reason

        body = api.get_case(case_id, "rav-lead").json()
        assert "sozialhilfe" in body["categories"]
        assert f"break_glass:{opened.json()['id']}" in last_audit_event(engine).bases
        assert api.post(case_id, "break-glass", reason, "rav").status_code == 403

        clock.current += timedelta(hours=5)
        assert "sozialhilfe" not in api.get_case(case_id, "rav-lead").json()["categories"]
