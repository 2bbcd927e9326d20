"""Meine Fälle: a caseworker finds a client among the cases they may see, and learns nothing more."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api_helpers import Api, new_ahvn13
from tests.integration.web_client import _csrf

SignIn = Callable[[str], TestClient]


def _search(web: TestClient, text: str) -> tuple[int, str]:
    shown = web.get("/faelle").text
    answer = web.post("/faelle/suche", data={"csrf_token": _csrf(shown), "suche": text})
    return answer.status_code, answer.text


def _rows(html: str) -> list[str]:
    table = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r'href="/faelle/([0-9a-f-]{36})"', table.group(1)) if table else []


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_the_caseworker_finds_her_case_by_ahv_number_name_and_birth_date_or_dossier_number(
    api: Api, browser_for: SignIn
) -> None:
    case = api.open_case("sd", local_reference="WA-77801")
    other = api.open_case("sd")
    web = browser_for("sd")
    person = case["stammdaten"]

    for text in (
        person["ahvn13"],
        f"{person['family_name']} {person['given_name']} 12.03.1984",
        "WA-77801",
    ):
        status, html = _search(web, text)
        assert status == 200, html
        found = _rows(html)
        assert case["id"] in found, text
        assert "WA-77801" in html  # the Dossier-Nr. column
        if text == "WA-77801":
            assert other["id"] not in found


def test_a_person_known_only_elsewhere_answers_exactly_like_an_unknown_one(
    api: Api, browser_for: SignIn
) -> None:
    elsewhere = api.open_case("olten")  # another Sozialregion's client
    web = browser_for("sd")

    known_text, unknown_text = elsewhere["stammdaten"]["ahvn13"], new_ahvn13()
    known_status, known = _search(web, known_text)
    unknown_status, unknown = _search(web, unknown_text)

    assert known_status == unknown_status == 200
    assert _rows(known) == _rows(unknown) == []
    # the same page but for the typed text and the form token
    assert _without_tokens(known).replace(known_text, "?") == _without_tokens(unknown).replace(
        unknown_text, "?"
    )


def test_a_malformed_ahv_number_is_refused_beside_the_search_field(browser_for: SignIn) -> None:
    status, html = _search(browser_for("sd"), "756.1234.5678.00")
    assert status == 422
    assert 'aria-invalid="true"' in html and 'id="suche-fehler"' in html
