"""The plan reads as goals with their measures and latest rating; the journal as one timeline."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.api_helpers import Api, days_ago
from tests.integration.web_client import _csrf, _version
from tests.world import World

SignIn = Callable[[str], TestClient]


def test_the_plan_shows_each_goal_with_its_measures_owner_and_latest_rating(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd", opened_days_ago=100)
    case_id = case["id"]
    api.ok(case_id, "intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    api.ok(case_id, "segment", {"segment": "V", "assessed_on": days_ago(90)})
    api.ok(case_id, "activation", {})
    goal = api.ok(case_id, "plan/goals", {"title": "Lehrstelle finden"})["integrationsplan"]["goals"][0]
    api.ok(case_id, "plan/measures", {"title": "Bewerbungskurs", "kind": "course", "goal_id": goal["id"]})
    api.ok(case_id, "plan/measures", {"title": "Schuldenberatung", "kind": "other"})
    for held, rating in ((days_ago(40), "delayed"), (days_ago(10), "on_track")):
        api.ok(
            case_id,
            "reviews",
            {"held_on": held, "summary": "-", "progress": [{"goal_id": goal["id"], "rating": rating}]},
        )

    page = browser_for("sd").get(f"/faelle/{case_id}/teil/plan").text

    article = re.search(r'<article class="goal" aria-labelledby="ziel-[^"]+">(.*?)</article>', page, re.S)
    assert article, page
    assert "Lehrstelle finden" in article.group(1) and "Bewerbungskurs" in article.group(1)
    assert "Schuldenberatung" not in article.group(1)  # a measure without a goal stands apart
    assert "Massnahmen ohne Ziel" in page
    latest = re.search(r"<dt>Letzte Beurteilung</dt><dd>(.*?)</dd>", article.group(1), re.S)
    assert latest and latest.group(1).startswith("auf Kurs")  # the newer rating, not "verzögert"
    assert page.index("Lehrstelle finden") < page.index("<summary>Ziel erfassen</summary>")  # plan first


def test_the_journal_is_one_timeline_newest_first_with_its_categories_and_a_filter(
    api: Api, browser_for: SignIn
) -> None:
    case_id = api.open_case("sd")["id"]
    api.ok(
        case_id,
        "journal",
        {"category": "sozialhilfe", "occurred_on": days_ago(20), "text": "älterer Eintrag"},
    )
    api.ok(
        case_id, "journal", {"category": "potenzial", "occurred_on": days_ago(2), "text": "neuerer Eintrag"}
    )
    web = browser_for("sd")

    page = web.get(f"/faelle/{case_id}/teil/journal").text
    assert page.index("neuerer Eintrag") < page.index("älterer Eintrag")
    assert '<span class="tag">Sozialhilfe</span>' in page

    filtered = web.get(f"/faelle/{case_id}/teil/journal?kategorie=potenzial").text
    assert "neuerer Eintrag" in filtered and "älterer Eintrag" not in filtered


def test_the_plan_prints_as_a_tagged_pdf_with_client_goals_measures_and_signature_lines(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd")
    goal = api.ok(
        case["id"], "plan/goals", {"title": "Deutschkurs B1 abschliessen", "target_on": "2027-06-30"}
    )
    goal_id = goal["integrationsplan"]["goals"][0]["id"]
    api.ok(case["id"], "plan/measures", {"title": "Sprachkurs", "kind": "course", "goal_id": goal_id})

    answer = browser_for("sd").get(f"/faelle/{case['id']}/teil/plan/pdf")

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert re.search(
        r'filename="integrationsplan-\d{4}-\d{2}-\d{2}\.pdf"', answer.headers["content-disposition"]
    )
    reader = PdfReader(io.BytesIO(answer.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    person = case["stammdaten"]
    assert f"{person['given_name']} {person['family_name']}" in text
    assert "Deutschkurs B1 abschliessen" in text and "Sprachkurs" in text and "30.06.2027" in text
    assert "Unterschrift Klient/in" in text
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])


def test_a_participant_without_the_plan_gets_no_plan_pdf(api: Api, browser_for: SignIn, world: World) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], world.rav.id)
    api.ok(case["id"], "plan/goals", {"title": "Geheimes Ziel"})

    answer = browser_for("rav").get(f"/faelle/{case['id']}/teil/plan/pdf")

    assert answer.status_code == 404 and "Geheimes Ziel" not in answer.text


def test_the_owner_marks_its_goal_achieved_and_a_partner_cannot(
    api: Api, browser_for: SignIn, world: World
) -> None:
    case = api.open_case("sd")
    goal = api.ok(case["id"], "plan/goals", {"title": "Wohnung finden"})["integrationsplan"]["goals"][0]
    web = browser_for("sd")
    part = f"/faelle/{case['id']}/teil/plan"
    shown = web.get(part).text
    version = _version(shown)

    done = web.post(
        f"/faelle/{case['id']}/plan/ziele/{goal['id']}/status",
        data={"csrf_token": _csrf(shown), "version": version, "status": "achieved"},
        follow_redirects=False,
    )

    assert done.status_code == 303, done.text
    assert api.get_case(case["id"]).json()["integrationsplan"]["goals"][0]["status"] == "achieved"
    assert "<dt>Status</dt><dd>erreicht</dd>" in web.get(part).text
    api.add_participant(case["id"], world.rav.id)
    rav = browser_for("rav")
    rav_page = rav.get(f"/faelle/{case['id']}").text
    refused = rav.post(
        f"/faelle/{case['id']}/plan/ziele/{goal['id']}/status",
        data={"csrf_token": _csrf(rav_page), "version": "999", "status": "dropped"},
        follow_redirects=False,
    )
    assert refused.status_code != 303
    assert api.get_case(case["id"]).json()["integrationsplan"]["goals"][0]["status"] == "achieved"
