"""The DPO's pages name people, not usernames; a consent basis carries its day and purpose; an anomaly
leads to its events."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.api_helpers import Api, days_ago
from tests.audit_log import audit_events
from tests.integration.web_client import _csrf

SignIn = Callable[[str], TestClient]


def test_search_results_name_the_staff_and_the_consent_with_its_day_and_purpose(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(
        case["id"],
        "assessments",
        {"kind": "kurzassessment", "assessed_on": days_ago(10), "findings": "belastbar"},
    )
    consent = api.grant_consent(case["id"], [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    assert api.get_case(case["id"], "rav").status_code == 200
    dpo = browser_for("dpo")
    form = dpo.get("/dsb/protokoll").text
    found = dpo.post(
        "/dsb/protokoll", data={"csrf_token": _csrf(form), "ahvn13": case["stammdaten"]["ahvn13"]}
    ).text
    assert "Rita Amsler<br><small>rav</small>" in found
    signed = date.today().strftime("%d.%m.%Y")
    assert f"({consent['id'][:8]}), unterschrieben am {signed}, Zweck: Koordination im DFF" in found


def test_an_anomaly_lists_its_events(api: Api, browser_for: SignIn) -> None:
    case = api.open_case("sd")
    for _ in range(5):
        api.get_case(case["id"], user="olten")
    dpo = browser_for("dpo")
    form = dpo.get("/dsb/anomalien").text
    von = re.search(r'id="von" [^>]*value="([^"]*)"', form)
    bis = re.search(r'id="bis" [^>]*value="([^"]*)"', form)
    assert von and bis
    found = dpo.post(
        "/dsb/anomalien",
        data={"csrf_token": _csrf(form), "occurred_from": von.group(1), "occurred_to": bis.group(1)},
    ).text
    assert "Otto Lanz" in found
    sections = re.findall(
        r'<div class="anomaly">\s*<h3 id="(anomalie-\d+)"(.*?)</form>\s*</div>', found, re.S
    )
    burst = [(a, html) for a, html in sections if "gehäufte Verweigerungen: Otto Lanz" in html]
    assert len(burst) == 1, found
    anchor, html = burst[0]
    assert html.count("<td>verweigert</td>") == 5
    assert f'href="#{anchor}">5 Ereignisse</a>' in found


def _anomaly_list(dpo: TestClient) -> tuple[str, dict[str, str]]:
    form = dpo.get("/dsb/anomalien").text
    von = re.search(r'id="von" [^>]*value="([^"]*)"', form)
    bis = re.search(r'id="bis" [^>]*value="([^"]*)"', form)
    assert von and bis
    period = {"occurred_from": von.group(1), "occurred_to": bis.group(1)}
    return dpo.post("/dsb/anomalien", data={"csrf_token": _csrf(form), **period}).text, period


def test_the_dpo_marks_an_anomaly_erledigt_with_a_note_sealed_and_audited(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case = api.open_case("sd")
    for _ in range(5):
        api.get_case(case["id"], user="olten")
    dpo = browser_for("dpo")
    listed, period = _anomaly_list(dpo)
    key = re.search(r'name="anomaly" value="([0-9a-f]{64})"', listed)
    assert key, listed
    note = "Otto Lanz hat sich in der Fallnummer vertippt; mit ihm besprochen."
    missing = dpo.post(
        "/dsb/anomalien/erledigt",
        data={"csrf_token": _csrf(listed), "anomaly": key.group(1), "note": " ", **period},
    )
    assert missing.status_code == 422 and f'id="notiz-{key.group(1)}-fehler"' in missing.text
    done = dpo.post(
        "/dsb/anomalien/erledigt",
        data={"csrf_token": _csrf(listed), "anomaly": key.group(1), "note": note, **period},
    )
    assert done.status_code == 200, done.text
    assert "Die Anomalie ist als erledigt markiert." in done.text
    assert "von Dora Pfister: <span" in done.text and note in done.text
    reviewed = [e for e in audit_events(engine) if e.operation == "audit.anomaly_review"]
    assert [(e.actor_name, e.outcome) for e in reviewed] == [("dpo", "refused"), ("dpo", "allowed")]
    with engine.connect() as connection:
        sealed = connection.execute(text("SELECT note_sealed FROM anomaly_reviews")).scalar_one()
    assert b"vertippt" not in bytes(sealed)
    assert note in _anomaly_list(dpo)[0]  # it stays erledigt on the next look


def test_only_the_dpo_marks_anomalies(api: Api, browser_for: SignIn, engine: Engine) -> None:
    web = browser_for("lead")
    token = _csrf(web.get("/faelle").text)
    refused = web.post(
        "/dsb/anomalien/erledigt",
        data={
            "csrf_token": token,
            "anomaly": "a" * 64,
            "note": "erledigt",
            "occurred_from": "01.01.2026",
            "occurred_to": "31.12.2026",
        },
    )
    assert refused.status_code == 403
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM anomaly_reviews")).scalar_one() == 0
