"""The DPO's pages name people, not usernames; a consent basis carries its day and purpose; an anomaly
leads to its events."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from tests.api_helpers import Api, days_ago
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
        r'<section class="anomaly" aria-labelledby="(anomalie-\d+)">(.*?)</section>', found, re.S
    )
    burst = [(a, html) for a, html in sections if "gehäufte Verweigerungen: Otto Lanz" in html]
    assert len(burst) == 1, found
    anchor, html = burst[0]
    assert html.count("<td>verweigert</td>") == 5
    assert f'href="#{anchor}">5 Ereignisse</a>' in found
