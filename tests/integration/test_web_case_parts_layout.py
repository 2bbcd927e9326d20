"""The plan reads as goals with their measures and latest rating; the journal as one timeline."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api_helpers import Api, days_ago

SignIn = Callable[[str], TestClient]


def test_the_plan_shows_each_goal_with_its_measures_owner_and_latest_rating(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd", opened_days_ago=100)
    case_id = case["id"]
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
