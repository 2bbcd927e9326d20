"""The log of a working day holds no personal value: every seeded value is searched for in every
log line the service wrote (messages and any attached exception text), across the paths where a
value could slip in: bodies, paths, query strings, validation errors, conflicts, database errors,
unexpected errors, failed logins."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.entrypoints.api.v1 import persons as persons_router
from tests.api_helpers import Api, new_ahvn13

pytestmark = pytest.mark.integration

FAMILY, GIVEN, STREET, CITY = "Wyssbrodt", "Ottilia", "Gibelinstrasse 7", "Lommiswil"
EMAIL, PHONE, BIRTH = "ottilia.wyssbrodt@example.ch", "+41 32 555 12 34", "1961-02-03"


def _log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter()
    lines = []
    for record in records:
        if record.name.startswith("httpx"):
            continue  # the test's own HTTP client, which logs the URLs it calls
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(formatter.formatException(record.exc_info))
        if record.stack_info:
            lines.append(record.stack_info)
    return "\n".join(lines)


def test_no_seeded_personal_value_appears_in_the_log(
    api: Api, client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahvn13 = new_ahvn13()
    person = {
        "ahvn13": ahvn13,
        "family_name": FAMILY,
        "given_name": GIVEN,
        "birth_date": BIRTH,
        "address": {"street": STREET, "postal_code": "4514", "city": CITY},
        "phone": PHONE,
        "email": EMAIL,
    }
    sd = api.headers("sd")
    with caplog.at_level(logging.DEBUG):
        registered = client.post("/api/v1/persons", json=person, headers=sd)
        client.post("/api/v1/persons", json=person, headers=sd)  # the same AHVN13 again: conflict
        client.post("/api/v1/persons/lookup", json={"ahvn13": ahvn13}, headers=sd)
        client.get(f"/api/v1/persons/{ahvn13}", headers=sd)  # a value where an id belongs
        client.get(f"/api/v1/persons/{FAMILY}%20{GIVEN}", headers=sd)
        client.get(f"/api/v1/cases?q={FAMILY}&ahvn13={ahvn13}", headers=sd)
        client.post("/api/v1/persons", json={**person, "birth_date": FAMILY, "email": GIVEN}, headers=sd)
        client.post("/api/v1/persons", json={**person, FAMILY: EMAIL}, headers=sd)  # unknown key
        opened = api.open_case("sd")
        client.get(f"/api/v1/cases/{opened['id']}", headers=sd)

        def failing(*args: object, **kwargs: object) -> None:
            raise KeyError(f"{GIVEN} {FAMILY} {ahvn13} {EMAIL}")

        monkeypatch.setattr(persons_router.service, "register_person", failing)
        unexpected = client.post("/api/v1/persons", json={**person, "ahvn13": new_ahvn13()}, headers=sd)
        client.get("/anmelden")
        login = {"username": f"{GIVEN} {FAMILY}", "password": ahvn13, "csrf_token": "x"}
        client.post("/anmelden", data=login)

    assert registered.status_code == 201
    assert unexpected.status_code == 500
    logged = _log_text(caplog.records)
    assert logged, "the service logged nothing: the scan would prove nothing"
    digits = ahvn13.replace(".", "")
    for value in (FAMILY, GIVEN, STREET, CITY, EMAIL, PHONE, BIRTH, ahvn13, digits, "12.03.1961"):
        assert value.lower() not in logged.lower(), f"personal value in the log: {value}"
