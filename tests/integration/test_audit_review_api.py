"""The DPO's review API: search, CSV, anomalies, the access report (JSON and PDF); only the DPO role,
and every query leaves its own trace."""

from __future__ import annotations

import csv
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import Engine

from app.adapters.crypto.vault import Vault
from app.bootstrap import Container
from tests.api_helpers import Api, client_with, recording_with
from tests.audit_log import last_audit_event

WHOLE_TIME = {"occurred_from": "2020-01-01T00:00:00Z", "occurred_to": "2100-01-01T00:00:00Z"}


def _shared_case(api: Api) -> dict:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    assert api.get_case(case["id"], user="rav").status_code == 200
    assert api.get_case(case["id"], user="sd").status_code == 200
    return case


def test_dpo_finds_a_persons_events_by_ahvn13_and_the_search_is_logged(api: Api, engine: Engine) -> None:
    case = _shared_case(api)
    api.open_case("sd")  # someone else's events must not turn up
    response = api.client.post(
        "/api/v1/audit/events/search",
        json={"ahvn13": case["stammdaten"]["ahvn13"]},
        headers=api.headers("dpo"),
    )
    assert response.status_code == 200, response.text
    events = response.json()["events"]
    assert events and {e["person_id"] for e in events} == {case["person_id"]}
    assert any(e["actor_name"] == "rav" and e["action"] == "read" for e in events)
    logged = last_audit_event(engine)
    assert (logged.operation, logged.actor_name, str(logged.person_id)) == (
        "audit.search",
        "dpo",
        case["person_id"],
    )
    assert logged.purpose == "Datenschutzaufsicht"
    assert case["stammdaten"]["ahvn13"] not in logged.reason


def test_search_filters_by_user_action_and_outcome(api: Api) -> None:
    case = api.open_case("sd")
    api.get_case(case["id"], user="olten")  # denied
    response = api.client.post(
        "/api/v1/audit/events/search",
        json={"actor_name": "olten", "outcome": "denied", "action": "read", **WHOLE_TIME},
        headers=api.headers("dpo"),
    )
    events = response.json()["events"]
    assert len(events) == 1 and events[0]["case_id"] == case["id"]


def test_a_caseworker_is_refused_and_the_attempt_is_logged(api: Api, engine: Engine) -> None:
    for path, body in (
        ("/api/v1/audit/events/search", {}),
        ("/api/v1/audit/anomalies", WHOLE_TIME),
        ("/api/v1/audit/access-reports", {"person_id": api.register_person()["id"]}),
    ):
        response = api.client.post(path, json=body, headers=api.headers("sd"))
        assert response.status_code == 403, path
        logged = last_audit_event(engine)
        assert (logged.actor_name, logged.outcome) == ("sd", "denied")
        assert logged.operation.startswith("audit.")


def test_search_results_export_as_csv(api: Api) -> None:
    case = _shared_case(api)
    response = api.client.post(
        "/api/v1/audit/events/search",
        json={"person_id": case["person_id"], "format": "csv"},
        headers=api.headers("dpo"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["person_id"] for r in rows} == {case["person_id"]}
    assert {"actor_name", "action", "categories", "bases", "purpose"} <= set(rows[0])


def test_a_burst_of_denials_is_an_anomaly_linked_to_its_events(api: Api) -> None:
    case = api.open_case("sd")
    for _ in range(5):
        api.get_case(case["id"], user="olten")
    response = api.client.post("/api/v1/audit/anomalies", json=WHOLE_TIME, headers=api.headers("dpo"))
    assert response.status_code == 200, response.text
    body = response.json()
    bursts = [a for a in body["anomalies"] if a["kind"] == "denial_burst"]
    assert len(bursts) == 1 and bursts[0]["actor_name"] == "olten"
    linked = {e["id"]: e for e in body["events"]}
    assert len(bursts[0]["event_ids"]) == 5
    assert all(linked[i]["outcome"] == "denied" for i in bursts[0]["event_ids"])
    as_csv = api.client.post(
        "/api/v1/audit/anomalies", json={**WHOLE_TIME, "format": "csv"}, headers=api.headers("dpo")
    )
    assert "denial_burst" in as_csv.text


def test_access_report_names_the_receiving_institutions_without_staff(api: Api, engine: Engine) -> None:
    case = _shared_case(api)
    response = api.client.post(
        "/api/v1/audit/access-reports", json={"person_id": case["person_id"]}, headers=api.headers("dpo")
    )
    assert response.status_code == 200, response.text
    report = response.json()
    receivers = {r["institution_name"] for r in report["receipts"]}
    assert {"RAV Solothurn", "Sozialregion Wasseramt"} <= receivers
    assert all("staff" not in r for r in report["receipts"])
    assert report["log_retention_days"] >= 365
    assert "stammdaten" in report["categories_held"]
    logged = last_audit_event(engine)
    assert (logged.operation, logged.action, str(logged.person_id)) == (
        "audit.access_report",
        "export",
        case["person_id"],
    )
    with_staff = api.client.post(
        "/api/v1/audit/access-reports",
        json={"person_id": case["person_id"], "include_staff_names": True},
        headers=api.headers("dpo"),
    ).json()
    assert any("rav" in r["staff"] for r in with_staff["receipts"])


def test_access_report_pdf_names_institutions_and_dates(api: Api, engine: Engine) -> None:
    case = _shared_case(api)
    response = api.client.post(
        "/api/v1/audit/access-reports",
        json={"ahvn13": case["stammdaten"]["ahvn13"], "format": "pdf"},
        headers=api.headers("dpo"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Auskunft über die Bearbeitung Ihrer Personendaten" in text
    assert "RAV Solothurn" in text and "Sozialregion Wasseramt" in text
    assert date.today().strftime("%d.%m.%Y") in text
    assert "Beteiligung am gemeinsamen Fall" in text
    assert "Mitarbeitende:" not in text and "Rita" not in text
    assert last_audit_event(engine).operation == "audit.access_report"


class FailingRecorder:
    def __init__(self, _session: object) -> None:
        pass

    def append(self, event: object) -> None:
        raise RuntimeError("audit store unavailable")


def test_no_search_result_leaves_without_its_audit_event(
    api: Api, container: Container, engine: Engine, vault: Vault
) -> None:
    case = _shared_case(api)
    failing = recording_with(engine, FailingRecorder, vault)
    with client_with(container, uow_factory=failing, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/v1/audit/events/search", json={"person_id": case["person_id"]}, headers=api.headers("dpo")
        )
    assert response.status_code == 500
    assert case["person_id"] not in response.text
