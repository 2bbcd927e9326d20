"""A form that comes back with an error shows what the user typed, an error summary first and 'Fehler:' in
the title; nothing of it is stored."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import Api
from tests.integration.web_client import _csrf, _version

SignIn = Callable[[str], TestClient]


def _selected_segment(html: str) -> str | None:
    select = re.search(r'<select id="segment".*?</select>', html, re.S)
    assert select, "segment form missing"
    chosen = re.search(r'<option value="([A-Z]?)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def test_a_segment_refused_for_a_missing_reason_keeps_the_chosen_segment_not_the_stored_one(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    page = f"/faelle/{case['id']}"
    first = web.get(page).text
    stored = web.post(
        f"{page}/segment",
        data={"csrf_token": _csrf(first), "version": _version(first), "segment": "A", "reason": ""},
        follow_redirects=False,
    )
    assert stored.status_code == 303, stored.text

    shown = web.get(page).text
    refused = web.post(
        f"{page}/segment",
        data={"csrf_token": _csrf(shown), "version": _version(shown), "segment": "S", "reason": ""},
    )

    assert refused.status_code == 422
    assert _selected_segment(refused.text) == "S"  # what the user chose, not the stored "A"
    segment_form = refused.text.index('action="' + page + '/segment"')
    assert refused.text.rfind("<details", 0, segment_form) == refused.text.rfind(
        '<details class="entry" open>', 0, segment_form
    )  # the form that came back is open
    assert api.get_case(case["id"]).json()["fallfuehrung"]["segment"]["current"] == "A"
    title = re.search(r"<title>(.*?)</title>", refused.text, re.S)
    assert title and title.group(1).startswith("Fehler: ")
    summary = refused.text.index('class="error-summary"')
    assert summary < refused.text.index('action="' + page + '/segment"')  # summary before the form
    assert 'href="#begruendung"' in refused.text[summary:]


def test_a_refused_goal_keeps_its_typed_description_and_only_in_its_own_form(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/plan"
    shown = web.get(part).text
    text = "Erste Zeile\nZweite Zeile mit <b>Markup</b>"

    refused = web.post(
        f"/faelle/{case['id']}/plan/ziele",
        data={
            "csrf_token": _csrf(shown),
            "version": _version(shown),
            "title": "Lehrstelle",
            "description": text,
            "target_on": "31.02.2027",
        },
    )

    assert refused.status_code == 422
    assert "Erste Zeile\nZweite Zeile mit &lt;b&gt;Markup&lt;/b&gt;</textarea>" in refused.text
    assert 'value="31.02.2027"' in refused.text
    measure_form = refused.text.split('action="/faelle/' + case["id"] + '/plan/massnahmen"', 1)[1]
    assert 'name="title" value=""' in measure_form.split("</form>", 1)[0]  # the other form stays empty
    assert "Lehrstelle" not in str(api.get_case(case["id"]).json().get("integrationsplan"))


def test_a_wrong_password_keeps_the_username_but_never_the_password(client: TestClient) -> None:
    shown = client.get("/anmelden").text
    refused = client.post(
        "/anmelden",
        data={"csrf_token": _csrf(shown), "username": "sd", "password": "falsch-geraten"},
    )

    assert refused.status_code == 401
    assert 'value="sd"' in refused.text
    assert "falsch-geraten" not in refused.text


def test_the_dpo_pages_through_the_log_newest_first_with_german_names(
    api: Api, browser_for: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.entrypoints.web.dpo_pages.PAGE_SIZE", 2)
    case = api.open_case("sd")
    for _ in range(3):
        assert api.get_case(case["id"]).status_code == 200
    dpo = browser_for("dpo")
    shown = dpo.get("/dsb/protokoll").text
    fields = {"csrf_token": _csrf(shown), "actor_name": "sd", "action": "read"}

    first = dpo.post("/dsb/protokoll", data=fields)
    assert first.status_code == 200
    assert "Fall gelesen" in first.text and ">cases.read<" not in first.text
    older = re.search(r'name="vor" value="([^"]+)"', first.text)
    assert older, "a full page offers the older events"
    second = dpo.post("/dsb/protokoll", data={**fields, "vor": older.group(1)})

    times = [re.findall(r"<tr>\s*<td>([^<]+)</td>", page.text) for page in (first, second)]
    assert len(times[0]) == 2 and len(times[1]) >= 1
    newest_first = times[0] + times[1]
    assert len(newest_first) == 3  # three reads of sd, none twice, none lost
    assert 'name="vor"' not in second.text  # nothing older than the last page


def test_a_real_conflict_keeps_the_typed_text_beside_the_current_state(api: Api, browser_for: SignIn) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "segment", {"segment": "A"})
    page = f"/faelle/{case['id']}"
    colleague, me = browser_for("sd"), browser_for("lead")
    mine = me.get(page).text  # both read the case at the same state
    theirs = colleague.get(page).text
    reason = "Gesundheitliche Abklärung zuerst, danach Bewerbungen – ausführlich begründet. " * 4
    saved = colleague.post(
        f"{page}/segment",
        data={"csrf_token": _csrf(theirs), "version": _version(theirs), "segment": "V", "reason": "Kurs"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text

    conflict = me.post(
        f"{page}/segment",
        data={"csrf_token": _csrf(mine), "version": _version(mine), "segment": "O", "reason": reason},
    )

    assert conflict.status_code == 422
    assert "Jemand hat diesen Teil des Falls inzwischen geändert" in conflict.text
    assert reason.strip() in conflict.text.replace("&ndash;", "–")  # the typed text, unchanged
    assert _selected_segment(conflict.text) == "O"
    assert "Kurs" in conflict.text  # beside it, the current state: the colleague's segment and reason
    assert api.get_case(case["id"]).json()["fallfuehrung"]["segment"]["current"] == "V"
