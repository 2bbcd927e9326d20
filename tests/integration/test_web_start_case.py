"""A caseworker starts a case in the thin client: registers the client, opens the case, segments it and
ends the intake, through the same use cases as the API."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_helpers import Api, new_ahvn13
from tests.audit_log import audit_count, last_audit_event
from tests.integration.web_client import _csrf, _version

SignIn = Callable[[str], TestClient]


def _start(web: TestClient, **fields: str) -> object:
    shown = web.get("/faelle/neu").text
    return web.post("/faelle/neu", data={"csrf_token": _csrf(shown), **fields}, follow_redirects=False)


def test_the_caseworker_starts_a_case_segments_it_and_ends_the_intake(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    web = browser_for("sd")
    number = new_ahvn13()
    started = _start(
        web,
        ahvn13=number,
        family_name="Zbinden",
        given_name="Lara",
        birth_date="03.04.1991",
        local_reference="WA-88001",
        opened_on="",
    )
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    case_id = re.search(r"/faelle/([0-9a-f-]{36})", location).group(1)
    assert last_audit_event(engine).operation == "cases.open"
    shown = web.get(location).text
    assert "Der Fall ist eröffnet." in shown and "Zbinden, Lara" in shown
    assert "Kurzassessment erfassen" in shown and "Segment festlegen" in shown  # next steps
    case = api.get_case(case_id).json()
    assert case["fallfuehrung"]["phase"] == "intake"

    before = audit_count(engine)
    refused = web.post(
        f"/faelle/{case_id}/aktivieren", data={"csrf_token": _csrf(shown), "version": _version(shown)}
    )
    assert refused.status_code == 422 and "Kurzassessment" in refused.text  # the canton's rule, named
    assert audit_count(engine) == before + 2  # the refusal and the re-rendered page's read, nothing else
    assert api.get_case(case_id).json()["fallfuehrung"]["phase"] == "intake"

    api.ok(case_id, "intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    shown = web.get(f"/faelle/{case_id}").text
    done = web.post(
        f"/faelle/{case_id}/segment",
        data={"csrf_token": _csrf(shown), "version": _version(shown), "segment": "V"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = web.get(f"/faelle/{case_id}").text
    ended = web.post(
        f"/faelle/{case_id}/aktivieren",
        data={"csrf_token": _csrf(shown), "version": _version(shown)},
        follow_redirects=False,
    )
    assert ended.status_code == 303, ended.text
    assert last_audit_event(engine).operation == "cases.activate"
    assert api.get_case(case_id).json()["fallfuehrung"]["phase"] == "active"


def test_a_wrong_check_digit_and_a_missing_dossier_number_are_refused_beside_their_fields(
    api: Api, browser_for: SignIn
) -> None:
    web = browser_for("sd")
    bad = _start(web, ahvn13="756.1234.5678.00", family_name="A", given_name="B", birth_date="01.01.1990")
    assert bad.status_code == 422
    assert 'id="ahv-fehler"' in bad.text and 'value="756.1234.5678.00"' in bad.text
    missing = _start(web, ahvn13=new_ahvn13(), family_name="A", given_name="B", birth_date="01.01.1990")
    assert missing.status_code == 422 and 'id="dossier-fehler"' in missing.text
    assert 'value="A"' in missing.text  # the typed name stays


def test_a_second_try_after_a_refused_opening_takes_the_person_registered_the_first_time(
    api: Api, browser_for: SignIn
) -> None:
    web = browser_for("sd")
    number = new_ahvn13()
    fields = {"ahvn13": number, "family_name": "Roth", "given_name": "Ueli", "birth_date": "09.09.1970"}
    future = _start(web, **fields, local_reference="WA-1", opened_on="01.01.2099")
    assert future.status_code == 422
    again = _start(web, **fields, local_reference="WA-1", opened_on="")
    assert again.status_code == 303, again.text
