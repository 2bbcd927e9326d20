"""The integration plan's forms and the case version every case-changing form carries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api_helpers import Api
from tests.audit_log import audit_count, last_audit_event
from tests.integration.web_client import _csrf, _version

SignIn = Callable[[str], TestClient]
STALE = "Jemand hat diesen Teil des Falls inzwischen geändert."


def _plan(api: Api, case_id: str) -> dict[str, Any]:
    return api.get_case(case_id).json().get("integrationsplan") or {}


def _form(web: TestClient, path: str, **fields: str) -> dict[str, str]:
    shown = web.get(path).text
    return {"csrf_token": _csrf(shown), "version": _version(shown), **fields}


def test_the_caseworker_adds_a_goal_a_measure_for_it_and_ends_the_measure(
    api: Api,
    browser_for: SignIn,
    engine: Engine,
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/plan"

    form = _form(web, part, title="Stelle im ersten Arbeitsmarkt", target_on="31.12.2027")
    before = audit_count(engine)
    done = web.post(f"/faelle/{case['id']}/plan/ziele", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    assert (last_audit_event(engine).operation, last_audit_event(engine).outcome) == (
        "plan.add_goal",
        "allowed",
    )
    shown = web.get(done.headers["location"]).text
    assert "Das Ziel ist im Integrationsplan erfasst." in shown and "Stelle im ersten Arbeitsmarkt" in shown
    assert "<dt>Zu erreichen bis</dt><dd>31.12.2027</dd>" in shown
    goal = _plan(api, case["id"])["goals"][0]

    form = _form(web, part, title="Bewerbungskurs", kind="course", goal_id=goal["id"], start_on="01.02.2027")
    before = audit_count(engine)
    done = web.post(f"/faelle/{case['id']}/plan/massnahmen", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    measure = _plan(api, case["id"])["measures"][0]
    assert (measure["goal_id"], measure["kind"], measure["status"]) == (goal["id"], "course", "planned")
    assert "Bewerbungskurs" in web.get(part).text

    status_path = f"/faelle/{case['id']}/plan/massnahmen/{measure['id']}/status"
    form = _form(web, part, status="completed", end_on="30.04.2027", outcome="Kurs bestanden")
    before = audit_count(engine)
    done = web.post(status_path, data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    ended = _plan(api, case["id"])["measures"][0]
    assert (ended["status"], ended["end_on"]) == ("completed", "2027-04-30")
    assert f'action="{status_path}"' not in web.get(part).text  # an ended measure has no status form


def test_a_bad_value_is_refused_in_german_beside_its_field_and_changes_nothing(
    api: Api,
    browser_for: SignIn,
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/plan"
    version = api.get_case(case["id"]).json()["version"]

    no_title = web.post(f"/faelle/{case['id']}/plan/ziele", data=_form(web, part, title=" "))
    assert no_title.status_code == 422
    assert 'aria-describedby="z-titel-fehler"' in no_title.text
    assert '<span class="error" id="z-titel-fehler">Ein Ziel braucht einen Titel.</span>' in no_title.text

    bad_date = web.post(
        f"/faelle/{case['id']}/plan/ziele", data=_form(web, part, title="Ziel", target_on="31.02.2027")
    )
    assert bad_date.status_code == 422 and 'id="z-termin-fehler">Bitte ein gültiges Datum' in bad_date.text

    no_kind = web.post(f"/faelle/{case['id']}/plan/massnahmen", data=_form(web, part, title="Kurs", kind="x"))
    assert no_kind.status_code == 422 and 'id="m-art-fehler">Bitte eine Art' in no_kind.text

    after = api.get_case(case["id"]).json()
    assert after["version"] == version and not (after.get("integrationsplan") or {}).get("goals")


def test_a_plan_form_without_the_session_token_changes_nothing(
    api: Api,
    browser_for: SignIn,
    engine: Engine,
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    form = _form(web, f"/faelle/{case['id']}/teil/plan", title="Ziel")
    form["csrf_token"] = "falsch"
    before = audit_count(engine)
    refused = web.post(f"/faelle/{case['id']}/plan/ziele", data=form)
    assert refused.status_code == 403
    assert audit_count(engine) == before
    assert not _plan(api, case["id"]).get("goals")


def test_a_stale_version_changes_nothing_and_says_so_where_a_change_rewrites_what_moved(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    segment_form = _form(web, f"/faelle/{case['id']}", segment="O", reason="Abklärung zuerst")
    api.ok(case["id"], "segment", {"segment": "A"})  # someone else sets the segment meanwhile
    current = api.get_case(case["id"]).headers["ETag"]

    stale = web.post(f"/faelle/{case['id']}/segment", data=segment_form)
    assert stale.status_code == 422
    assert STALE in stale.text
    assert _version(stale.text) == current  # the page shows the current state
    assert "Abklärung zuerst" in stale.text  # and keeps what was typed

    without = web.post(f"/faelle/{case['id']}/segment", data={**segment_form, "version": ""})
    assert without.status_code == 422 and STALE in without.text
    assert api.get_case(case["id"]).json()["fallfuehrung"]["segment"]["current"] == "A"


def test_forms_that_add_a_record_are_saved_whatever_was_added_meanwhile(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    plan_form = _form(web, f"/faelle/{case['id']}/teil/plan", title="Ziel von gestern")
    journal_form = _form(
        web, f"/faelle/{case['id']}/teil/journal", category="sozialhilfe", text="Eintrag von gestern"
    )
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "inzwischen"})  # someone else adds
    api.ok(case["id"], "plan/goals", {"title": "Ziel von heute"})

    for path, form in (("plan/ziele", plan_form), ("journal", journal_form)):
        saved = web.post(f"/faelle/{case['id']}/{path}", data=form, follow_redirects=False)
        assert saved.status_code == 303, path

    assert {g["title"] for g in _plan(api, case["id"])["goals"]} == {"Ziel von gestern", "Ziel von heute"}
    journal = api.get_case(case["id"]).json()["sozialhilfe"]["journal"]
    assert {e["text"] for e in journal} == {"inzwischen", "Eintrag von gestern"}


def test_the_caseworker_records_an_assessment_and_a_review_with_progress_per_goal(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case = api.open_case("sd")
    goal = api.ok(case["id"], "plan/goals", {"title": "Deutschkurs abschliessen"})["integrationsplan"][
        "goals"
    ][0]
    web = browser_for("sd")

    part = f"/faelle/{case['id']}/teil/abklaerungen"
    empty = web.post(
        f"/faelle/{case['id']}/abklaerungen",
        data=_form(
            web, part, kind="kurzassessment", category="potenzial", assessed_on="01.03.2026", findings=" "
        ),
    )
    assert empty.status_code == 422
    assert (
        '<span class="error" id="b-befund-fehler">Ein Assessment braucht Erkenntnisse.</span>' in empty.text
    )
    form = _form(
        web,
        part,
        kind="praxisassessment",
        category="potenzial",
        assessed_on="01.03.2026",
        findings="belastbar",
    )
    before = audit_count(engine)
    done = web.post(f"/faelle/{case['id']}/abklaerungen", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    shown = web.get(done.headers["location"]).text
    assert "Die Abklärung ist erfasst." in shown and "Praxisassessment" in shown and "01.03.2026" in shown
    assessment = api.get_case(case["id"]).json()["potenzial"]["assessments"][0]
    assert (assessment["kind"], assessment["findings"]) == ("praxisassessment", "belastbar")

    part = f"/faelle/{case['id']}/teil/standortbestimmungen"
    assert f'name="goal_ids" value="{goal["id"]}"' in web.get(part).text
    bad = _form(web, part, held_on="02.03.2026", summary="gut", goal_ids=goal["id"], ratings="super")
    refused = web.post(f"/faelle/{case['id']}/standortbestimmungen", data=bad)
    assert refused.status_code == 422 and 'id="r-stand-0-fehler">Bitte einen Stand wählen.' in refused.text
    assert not _plan(api, case["id"]).get("reviews")
    form = _form(
        web,
        part,
        held_on="02.03.2026",
        summary="gute Fortschritte",
        next_review_on="02.09.2026",
        goal_ids=goal["id"],
        ratings="on_track",
        comments="B1 erreicht",
    )
    before = audit_count(engine)
    done = web.post(f"/faelle/{case['id']}/standortbestimmungen", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    assert "Die Standortbestimmung ist erfasst." in web.get(done.headers["location"]).text
    review = _plan(api, case["id"])["reviews"][0]
    assert review["next_review_on"] == "2026-09-02"
    assert [(p["goal_id"], p["rating"], p["comment"]) for p in review["progress"]] == [
        (goal["id"], "on_track", "B1 erreicht")
    ]


def test_the_lead_sets_the_contact_person_and_hands_over_the_lead(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    web = browser_for("sd")
    colleague = api.world.users["sd-colleague"]
    overview = f"/faelle/{case['id']}"
    assert "Rita Amsler" not in web.get(overview).text  # only the lead institution's own people are offered

    rav_user = str(api.world.users["rav"].id)
    foreign = web.post(f"{overview}/ansprechperson", data=_form(web, overview, contact_person_id=rav_user))
    assert foreign.status_code == 422
    assert (
        'id="ansprechperson-fehler">Die Ansprechperson muss zur fallführenden Stelle gehören.' in foreign.text
    )

    form = _form(web, overview, contact_person_id=str(colleague.id))
    before = audit_count(engine)
    done = web.post(f"{overview}/ansprechperson", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    shown = web.get(done.headers["location"]).text
    assert "Die Ansprechperson ist geändert." in shown and "Simon Graf" in shown
    assert api.get_case(case["id"]).json()["fallfuehrung"]["contact_person"]["user_id"] == str(colleague.id)

    form = _form(web, overview, institution_id=str(api.world.rav.id))
    form["csrf_token"] = "falsch"
    assert web.post(f"{overview}/fallfuehrung", data=form).status_code == 403
    assert api.get_case(case["id"]).json()["fallfuehrung"]["lead_institution_id"] == str(
        api.world.sozialdienst.id
    )

    form = _form(web, overview, institution_id=str(api.world.rav.id))
    without_note = web.post(f"{overview}/fallfuehrung", data=form)
    assert without_note.status_code == 422
    assert 'id="uebergabenotiz-fehler">' in without_note.text

    form = _form(web, overview, institution_id=str(api.world.rav.id), note="Stellensuche im Vordergrund")
    before = audit_count(engine)
    done = web.post(f"{overview}/fallfuehrung", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert audit_count(engine) == before + 1
    assert last_audit_event(engine).operation == "lead.propose"
    offered = api.get_case(case["id"]).json()["fallfuehrung"]
    assert offered["lead_institution_id"] == str(api.world.sozialdienst.id)  # until the RAV accepts

    rav = browser_for("rav-lead")
    answer = rav.get("/pendenzen")
    assert answer.status_code == 200 and "Einladungen an Ihre Stelle" in answer.text
    invitation = offered["invitations"][-1]["id"]
    accept_url = f"{overview}/einladungen/{invitation}/annehmen"
    assert accept_url in answer.text
    accepted = rav.post(accept_url, data={"csrf_token": _csrf(answer.text)}, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text
    after = api.get_case(case["id"]).json()["fallfuehrung"]
    assert after["lead_institution_id"] == str(api.world.rav.id) and after["contact_person"] is None
    assert f'action="{overview}/fallfuehrung"' not in web.get(overview).text  # no longer the lead


def test_the_intake_steps_and_a_conference_planned_ahead_through_the_forms(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil"
    form = _form(web, f"{part}/abklaerungen", step_outcome="kurzassessment:completed", summary="motiviert")
    done = web.post(f"/faelle/{case['id']}/fallaufnahme", data=form)
    assert done.status_code == 200 and "Der Schritt der Fallaufnahme ist erfasst." in done.text
    refused = web.post(f"/faelle/{case['id']}/fallaufnahme", data=_form(web, f"{part}/abklaerungen"))
    assert refused.status_code == 422 and 'id="f-schritt-fehler"' in refused.text

    ahead = (date.today() + timedelta(days=10)).strftime("%d.%m.%Y")
    form = _form(web, f"{part}/fallkonferenzen", planned_on=ahead, client_attends="1")
    form["invited"] = str(api.world.sozialdienst.id)
    planned = web.post(f"/faelle/{case['id']}/fallkonferenzen/geplant", data=form)
    assert planned.status_code == 200 and "Die Fallkonferenz ist geplant." in planned.text
    conference = api.get_case(case["id"]).json()["fallfuehrung"]["conferences"][0]
    assert conference["scheduled"] is True and conference["client_attends"] is True
