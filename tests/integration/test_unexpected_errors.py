"""An unexpected error answers 500 in German and logs neither its message nor any input."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from app.bootstrap import Container
from app.domain.audit import AuditEvent
from tests.api_helpers import Api, client_with, recording_with

SECRET = "Geheimname 756.1234.5678.97"


class LeakyFailure:
    """An adapter failing with personal data in its message, as database drivers do."""

    def __init__(self, _session: object) -> None:
        pass

    def append(self, event: AuditEvent) -> None:
        raise RuntimeError(f"insert failed for {SECRET}")


def test_unexpected_error_is_a_problem_and_its_message_stays_out_of_the_log(
    api: Api, container: Container, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    case = api.open_case("sd")
    caplog.set_level(logging.DEBUG)
    # raise_server_exceptions=True: if anything re-raised past the app, the server would log it.
    leaky = recording_with(engine, LeakyFailure, container.vault)
    with client_with(container, uow_factory=leaky, raise_server_exceptions=True) as client:
        response = client.get(f"/api/v1/cases/{case['id']}", headers=api.headers("sd"))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Interner Fehler"
    assert response.headers["Cache-Control"] == "no-store"
    correlation_id = response.headers["X-Correlation-ID"]
    assert SECRET not in response.text
    assert SECRET not in caplog.text
    assert "RuntimeError" in caplog.text
    assert correlation_id in caplog.text


def test_unreadable_body_is_a_400_problem_with_matching_status(api: Api) -> None:
    response = api.client.post(
        "/api/v1/persons",
        content=b"\xff\xfe{",
        headers={**api.headers("sd"), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["status"] == response.status_code


def test_access_log_names_the_route_not_the_path(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cockpit.access")
    api.client.get("/api/v1/persons/756.1234.5678.97", headers=api.headers("sd"))
    assert "756.1234.5678.97" not in caplog.text
    assert "/api/v1/persons/{…}" in caplog.text


def test_a_correlation_id_that_is_not_a_uuid_is_replaced(api: Api) -> None:
    response = api.client.get("/health/live", headers={"X-Correlation-ID": "756.9217.0769.85"})
    assert response.headers["X-Correlation-ID"] != "756.9217.0769.85"
    assert len(response.headers["X-Correlation-ID"]) == 32


def test_an_unknown_key_that_is_not_a_field_name_is_not_echoed(api: Api) -> None:
    body = {"ahvn13": "756.9217.0769.85", "family_name": "A", "given_name": "B", "birth_date": "1990-01-01"}
    response = api.client.post(
        "/api/v1/persons", json={**body, "Mara Keller 756": 1, "spitzname": 2}, headers=api.headers("sd")
    )
    assert response.status_code == 422
    assert "Mara Keller" not in response.text
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert sorted(pointers) == ["#", "#/spitzname"]
