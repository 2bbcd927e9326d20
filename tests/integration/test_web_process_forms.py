"""The IIZ process through the thin client's forms: referral, admission, clearing, Mitwirkung, and
the minutes of a conference with action items – the same use cases as the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_helpers import Api, new_ahvn13
from tests.audit_log import audit_count, last_audit_event
from tests.integration.web_client import _csrf, _version

SignIn = Callable[[str], TestClient]


def _refer(api: Api, web: TestClient, **fields: str) -> TestClient:
    shown = web.get("/zuweisungen/neu").text
    form = {
        "csrf_token": _csrf(shown),
        "ahvn13": new_ahvn13(),
        "family_name": "Keller",
        "given_name": "Mara",
        "birth_date": "12.03.1984",
        "region": str(api.world.sozialdienst.id),
        "reason": "Mehrfachproblematik, Arbeitsmarktfähigkeit unklar",
        "tried": "Bewerbungscoaching",
        "urgency": "urgent",
        **fields,
    }
    return web.post("/zuweisungen/neu", data=form, follow_redirects=False)


def test_the_rav_refers_and_the_sozialdienst_admits_through_the_forms(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    rav = browser_for("rav")
    without_reason = _refer(api, rav, reason="", family_name="Brunner")
    assert without_reason.status_code == 422
    assert 'id="grund-fehler">Die Zuweisung braucht eine Begründung.' in without_reason.text
    assert 'value="Brunner"' in without_reason.text  # what was typed comes back

    before = audit_count(engine)
    done = _refer(api, rav)
    assert done.status_code == 303, done.text
    assert last_audit_event(engine).operation == "referrals.create"
    assert audit_count(engine) > before
    listed = rav.get(done.headers["location"]).text
    assert "Die Zuweisung ist erfasst" in listed and "wartet auf Aufnahmeentscheid" in listed
    referral = api.client.get("/api/v1/referrals", headers=api.headers("rav")).json()["items"][0]
    assert referral["urgency"] == "urgent"

    assert api.world.users["olten"]  # another region's Sozialdienst sees nothing of it
    assert referral["id"] not in browser_for("olten").get("/zuweisungen").text

    sd = browser_for("sd")
    page = sd.get("/zuweisungen").text
    assert "Von Ihrer Stelle zu entscheiden" in page and "Mehrfachproblematik" in page
    meeting = sd.post(
        f"/zuweisungen/{referral['id']}/gespraech",
        data={"csrf_token": _csrf(page), "meeting_on": "01.01.2000"},
    )
    assert meeting.status_code == 422 and "Das Gespräch liegt vor der Zuweisung." in meeting.text
    planned = sd.post(
        f"/zuweisungen/{referral['id']}/gespraech",
        data={"csrf_token": _csrf(page), "meeting_on": "31.12.2099"},
        follow_redirects=False,
    )
    assert planned.status_code == 303
    no_lead = sd.post(
        f"/zuweisungen/{referral['id']}/entscheid",
        data={"csrf_token": _csrf(page), "outcome": "admitted", "reason": "Bedarf ausgewiesen"},
    )
    assert no_lead.status_code == 422 and 'id="fallfuehrung-' in no_lead.text
    assert "Bedarf ausgewiesen" in no_lead.text
    admitted = sd.post(
        f"/zuweisungen/{referral['id']}/entscheid",
        data={
            "csrf_token": _csrf(page),
            "outcome": "admitted",
            "reason": "Bedarf ausgewiesen",
            "lead": str(api.world.sozialdienst.id),
            "local_reference": "SD-77",
        },
        follow_redirects=False,
    )
    assert admitted.status_code == 303, admitted.text
    assert last_audit_event(engine).operation == "referrals.decide"
    decided = api.client.get(f"/api/v1/referrals/{referral['id']}", headers=api.headers("sd")).json()
    assert decided["status"] == "admitted" and admitted.headers["location"].startswith(
        f"/faelle/{decided['case_id']}"
    )


def test_a_declined_referral_goes_to_the_ags_which_decides_through_the_forms(
    api: Api, browser_for: SignIn
) -> None:
    rav = browser_for("rav")
    assert _refer(api, rav).status_code == 303
    referral = api.client.get("/api/v1/referrals", headers=api.headers("rav")).json()["items"][0]
    sd = browser_for("sd")
    page = sd.get("/zuweisungen").text
    declined = sd.post(
        f"/zuweisungen/{referral['id']}/entscheid",
        data={"csrf_token": _csrf(page), "outcome": "declined", "reason": "Kein IIZ-Bedarf"},
        follow_redirects=False,
    )
    assert declined.status_code == 303, declined.text
    ags = browser_for("ags-cm")
    assert "Kein IIZ-Bedarf" not in ags.get("/zuweisungen").text  # not before it yet

    listed = rav.get("/zuweisungen").text
    assert "Schlichtung verlangen" in listed
    clearing = f"/zuweisungen/{referral['id']}/schlichtung"
    asked = rav.post(clearing, data={"csrf_token": _csrf(listed)}, follow_redirects=False)
    assert asked.status_code == 303, asked.text

    page = ags.get("/zuweisungen").text
    assert "Entscheid der Schlichtungsstelle" in page and "Kein IIZ-Bedarf" in page
    cleared = ags.post(
        f"/zuweisungen/{referral['id']}/schlichtung/entscheid",
        data={
            "csrf_token": _csrf(page),
            "outcome": "admitted",
            "reason": "Mehrere Stellen nötig",
            "lead": str(api.world.sozialdienst.id),
        },
        follow_redirects=False,
    )
    assert cleared.status_code == 303, cleared.text
    final = api.client.get(f"/api/v1/referrals/{referral['id']}", headers=api.headers("rav")).json()
    assert final["status"] == "cleared" and final["case_id"]


def test_a_referral_form_without_the_session_token_changes_nothing(api: Api, browser_for: SignIn) -> None:
    rav = browser_for("rav")
    refused = rav.post("/zuweisungen/neu", data={"reason": "x", "csrf_token": "falsch"})
    assert refused.status_code == 403
    assert api.client.get("/api/v1/referrals", headers=api.headers("rav")).json()["items"] == []


def _case_form(web: TestClient, path: str, **fields: str) -> dict[str, str]:
    shown = web.get(path).text
    return {"csrf_token": _csrf(shown), "version": _version(shown), **fields}


def test_the_lead_records_the_mitwirkung_and_the_plan_shows_the_agreed_goal(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case = api.open_case("sd")
    goal = api.ok(case["id"], "plan/goals", {"title": "Stelle im ersten Arbeitsmarkt"})["integrationsplan"][
        "goals"
    ][0]
    web = browser_for("sd")
    plan = f"/faelle/{case['id']}/teil/plan"
    assert "noch nicht" in web.get(plan).text and "Kategorie Integrationsplan" in web.get(plan).text

    signed = web.post(
        f"/faelle/{case['id']}/mitwirkung",
        data=_case_form(web, plan, agreement_form="signed", goals=goal["id"], strategy="Arbeit zuerst"),
    )
    assert signed.status_code == 422
    assert 'id="mw-dokument-fehler">Eine schriftliche Vereinbarung braucht' in signed.text
    assert "Arbeit zuerst" in signed.text  # the typed strategy comes back

    form = _case_form(web, plan, agreement_form="oral", goals=goal["id"], strategy="Arbeit zuerst")
    done = web.post(f"/faelle/{case['id']}/mitwirkung", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert last_audit_event(engine).operation.startswith("cooperation")
    shown = web.get(done.headers["location"]).text
    assert "Die Mitwirkung der Klientin / des Klienten ist festgehalten." in shown
    assert "<dt>Mit der Klientin / dem Klienten vereinbart</dt><dd>ja</dd>" in shown
    assert "Mündlich" in shown and "Arbeit zuerst" in shown
    assert api.get_case(case["id"]).json()["integrationsplan"]["goals"][0]["agreed_with_client"] is True


def test_the_minutes_of_a_conference_with_action_items_through_the_forms(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    today = date.today()
    body = api.ok(
        case["id"],
        "conferences/scheduled",
        {"planned_on": today.isoformat(), "invited_institution_ids": [str(api.world.rav.id)]},
    )
    conference = body["fallfuehrung"]["conferences"][0]
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/fallkonferenzen"
    minutes = f"/faelle/{case['id']}/fallkonferenzen/{conference['id']}/protokoll"
    page = web.get(part).text
    assert f'action="{minutes}"' in page and "wer das Protokoll lesen kann" in page
    assert f'action="{minutes}"' not in browser_for("rav").get(part).text  # the organiser keeps the minutes

    due = (today + timedelta(days=14)).strftime("%d.%m.%Y")
    rav = str(api.world.rav.id)
    half = _case_form(
        web, part, decisions="RAV klärt ab", item_title="Abklärung", item_owner=rav, item_due=""
    )
    refused = web.post(minutes, data=half)
    assert refused.status_code == 422 and f'id="pr-{conference["id"]}-pendenzen-fehler"' in refused.text
    assert "RAV klärt ab" in refused.text

    form = _case_form(
        web, part, decisions="RAV klärt ab", category="fallfuehrung", item_title="Abklärung", item_owner=rav
    )
    form["item_due"] = due
    done = web.post(minutes, data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert last_audit_event(engine).operation == "conferences.minutes"
    held = api.get_case(case["id"]).json()
    recorded = next(
        c
        for s in held.values()
        if isinstance(s, dict)
        for c in s.get("conferences", [])
        if c["id"] == conference["id"]
    )
    assert recorded["scheduled"] is False and recorded["action_items"][0]["title"] == "Abklärung"

    rav_web = browser_for("rav")
    assert "Pendenz aus der Fallkonferenz" in rav_web.get("/pendenzen").text
    item = recorded["action_items"][0]["id"]
    page = rav_web.get(part).text
    assert f"/konferenz-pendenzen/{item}/erledigt" in page
    assert f"/konferenz-pendenzen/{item}/erledigt" not in web.get(part).text  # only the owner marks it
    finished = rav_web.post(
        f"/faelle/{case['id']}/konferenz-pendenzen/{item}/erledigt",
        data={"csrf_token": _csrf(page), "version": _version(page)},
        follow_redirects=False,
    )
    assert finished.status_code == 303, finished.text
    assert "Pendenz aus der Fallkonferenz" not in rav_web.get("/pendenzen").text
