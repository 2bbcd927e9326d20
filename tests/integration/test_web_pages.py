"""Rules of the thin client's pages, without a browser: headers, CSRF, one audit event per read,
withheld categories, German formats."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_helpers import Api
from tests.audit_log import audit_count, last_audit_event
from tests.integration.web_client import _csrf, _version


def test_pages_are_strict_personal_and_audited_once(api: Api, browser_for, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    web = browser_for("sd")
    before = audit_count(engine)
    page = web.get(f"/faelle/{case['id']}")
    assert page.status_code == 200
    assert audit_count(engine) == before + 1
    event = last_audit_event(engine)
    assert (event.operation, event.outcome, event.actor_name) == ("cases.read", "allowed", "sd")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text and "style=" not in page.text and "<style" not in page.text
    assert re.search(r"\d{3}\.\d{4}\.\d{4}\.\d{2}", page.text)  # AHVN13 with dots
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", page.text)  # dd.mm.yyyy
    assert 'href="#inhalt"' in page.text and '<main id="inhalt"' in page.text

    before = audit_count(engine)
    listing = web.get("/faelle?segment=A&phase=intake&faellig=1")
    assert listing.status_code == 200 and audit_count(engine) == before + 1
    assert last_audit_event(engine).operation == "cases.list"


def test_a_form_without_the_session_token_changes_nothing(api: Api, browser_for, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    web = browser_for("sd")
    before = audit_count(engine)
    refused = web.post(f"/faelle/{case['id']}/segment", data={"segment": "A", "csrf_token": "falsch"})
    assert refused.status_code == 403
    assert audit_count(engine) == before
    assert api.get_case(case["id"]).json()["fallfuehrung"]["segment"]["current"] is None
    shown = web.get(f"/faelle/{case['id']}").text  # the same form with the token does change it
    form = {"segment": "A", "reason": "", "csrf_token": _csrf(shown), "version": _version(shown)}
    web.post(f"/faelle/{case['id']}/segment", data=form)
    assert api.get_case(case["id"]).json()["fallfuehrung"]["segment"]["current"] == "A"


def test_an_error_is_german_and_beside_its_field(api: Api, browser_for) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    web = browser_for("sd")
    shown = web.get(f"/faelle/{case['id']}").text
    token, version = _csrf(shown), _version(shown)
    page = web.post(
        f"/faelle/{case['id']}/beteiligte",
        data={
            "institution_id": str(api.world.rav.id),
            "local_reference": " ",
            "csrf_token": token,
            "version": version,
        },
    )
    assert page.status_code == 422
    assert 'aria-describedby="aktenzeichen-fehler"' in page.text
    assert re.search(r'<span class="error" id="aktenzeichen-fehler">[^<]+</span>', page.text)


def test_withheld_categories_say_nicht_freigegeben_and_why_and_nothing_else(api: Api, browser_for) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Miete 1400"})
    api.add_participant(case["id"], api.world.rav.id, assign=False)
    lead = browser_for("rav-lead")
    page = lead.get(f"/faelle/{case['id']}")
    assert page.status_code == 200
    section = re.search(r'data-category="sozialhilfe">(.*?)</section>', page.text, re.S)
    assert section is not None
    words = re.sub(r"<[^>]+>|\s+", " ", section.group(1)).split()
    assert " ".join(words) == "Sozialhilfe nicht freigegeben: keine Einwilligung – Einwilligung erfassen"
    assert "Miete 1400" not in page.text


def test_pages_need_a_session_and_the_dpo_pages_the_dpo(api: Api, browser_for, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    anonymous = TestClient(client.app)
    assert anonymous.get("/faelle", follow_redirects=False).headers["location"] == "/anmelden"
    caseworker = browser_for("sd")
    assert caseworker.get("/dsb/protokoll").status_code == 403
    dpo = browser_for("dpo")
    assert dpo.get("/dsb/protokoll").status_code == 200
    assert dpo.get("/faelle").status_code == 403


def test_my_cases_pages_through_the_list(
    api: Api,
    browser_for,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr("app.entrypoints.web.case_pages.PAGE_SIZE", 1)
    first, second = api.open_case("sd"), api.open_case("sd")
    web = browser_for("sd")
    page = web.get("/faelle")
    more = re.search(r'href="(/faelle\?[^"]*weiter=[^"]+)"', page.text)
    assert more is not None
    following = web.get(more.group(1).replace("&amp;", "&"))
    shown = {case["id"] for case in (first, second) if f"/faelle/{case['id']}" in page.text}
    shown_next = {case["id"] for case in (first, second) if f"/faelle/{case['id']}" in following.text}
    assert len(shown) == len(shown_next) == 1 and shown != shown_next


def test_the_lead_closes_the_case_and_records_the_follow_up(api: Api, browser_for) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/abschluss"
    shown = web.get(part).text
    token = _csrf(shown)
    missing = web.post(f"/faelle/{case['id']}/abschluss", data={"reason": "", "csrf_token": token})
    assert missing.status_code == 422 and 'id="a-grund-fehler"' in missing.text
    closed = web.post(
        f"/faelle/{case['id']}/abschluss",
        data={
            "reason": "erwerbsarbeit",
            "note": "Festanstellung",
            "csrf_token": token,
            "version": _version(shown),
        },
    )
    assert closed.status_code == 200, closed.text
    assert "Der Fall ist abgeschlossen." in closed.text and "Fallabschluss am" in closed.text
    assert api.get_case(case["id"]).json()["fallfuehrung"]["phase"] == "closed"
