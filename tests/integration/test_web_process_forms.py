"""The IIZ process through the thin client's forms: referral, admission, clearing, Mitwirkung, and
the minutes of a conference with action items – the same use cases as the API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_helpers import Api, new_ahvn13
from tests.audit_log import audit_count, last_audit_event
from tests.integration.web_client import _csrf

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
