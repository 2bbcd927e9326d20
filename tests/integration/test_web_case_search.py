"""Meine Fälle: a caseworker finds a client among the cases they may see, and learns nothing more."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api_helpers import Api, days_ago, new_ahvn13
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


def _case_of(api: Api, user: str, family_name: str, given_name: str, reference: str, days: int = 400) -> str:
    person = api.register_person(user, family_name=family_name, given_name=given_name)
    body = {"person_id": person["id"], "local_reference": reference, "opened_on": days_ago(days)}
    response = api.client.post("/api/v1/cases", json=body, headers=api.headers(user))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_the_caseworker_finds_her_case_by_the_name_alone(api: Api, browser_for: SignIn) -> None:
    von_arx = _case_of(api, "sd", "von Arx", "Anna Maria", "WA-1")
    brunner = _case_of(api, "sd", "Brunner", "Beat", "WA-2")
    web = browser_for("sd")

    assert _rows(_search(web, "von arx")[1]) == [von_arx]  # case and spacing do not matter
    assert _rows(_search(web, "VON ARX Anna")[1]) == [von_arx]  # with the beginning of the given name
    assert _rows(_search(web, "von Arx, Anna Maria")[1]) == [von_arx]
    assert _rows(_search(web, "von Arx Beat")[1]) == []
    assert _rows(_search(web, "Brunner")[1]) == [brunner]
    assert _rows(_search(web, "Arx")[1]) == []  # exact family names only: no guessing by fragments


def test_a_name_known_only_elsewhere_answers_exactly_like_an_unknown_one(
    api: Api, browser_for: SignIn
) -> None:
    _case_of(api, "olten", "Zumstein", "Olga", "OL-1")
    web = browser_for("sd")
    known_status, known = _search(web, "Zumstein")
    unknown_status, unknown = _search(web, "Zumsteg")
    assert known_status == unknown_status == 200
    assert _rows(known) == _rows(unknown) == []
    assert _without_tokens(known).replace("Zumstein", "?") == _without_tokens(unknown).replace("Zumsteg", "?")


def test_a_colleague_not_assigned_to_the_case_does_not_find_it_by_name(api: Api, browser_for: SignIn) -> None:
    _case_of(api, "sd", "Hänggi", "Hugo", "WA-3")
    assert _rows(_search(browser_for("sd-colleague"), "Hänggi")[1]) == []
    assert len(_rows(_search(browser_for("lead"), "Hänggi")[1])) == 1  # the supervisor sees every case


def _order(html: str) -> list[str]:
    return _rows(html)


def test_the_case_list_sorts_by_a_column_both_ways_and_says_so(api: Api, browser_for: SignIn) -> None:
    b = _case_of(api, "sd", "Brunner", "Beat", "WA-200", days=10)
    a = _case_of(api, "sd", "Ammann", "Alex", "WA-100", days=20)
    c = _case_of(api, "sd", "Christen", "Cléa", "WA-300", days=30)
    web = browser_for("sd")

    default = web.get("/faelle").text
    assert _order(default) == [b, a, c]  # newest first
    assert 'aria-sort="descending"' in default and default.count("aria-sort=") == 1

    up = web.get("/faelle", params={"sortierung": "dossier", "richtung": "auf"}).text
    assert _order(up) == [a, b, c]
    header = re.search(
        r'<th scope="col" aria-sort="ascending"><a class="sort" href="([^"]+)">Dossier-Nr.', up
    )
    assert header, up
    down = web.get(header.group(1).replace("&amp;", "&")).text
    assert _order(down) == [c, b, a]
    assert (
        'aria-sort="descending"><a class="sort" href="/faelle?sortierung=dossier&amp;richtung=auf">' in down
    )

    kept = web.get("/faelle", params={"phase": "intake", "sortierung": "eroeffnet", "richtung": "auf"}).text
    assert _order(kept) == [c, a, b]
    assert 'href="/faelle?phase=intake&amp;sortierung=dossier&amp;richtung=auf"' in kept  # filters stay
    assert web.get("/faelle", params={"sortierung": "unsinn", "richtung": "x"}).status_code == 200


def test_a_sorted_list_pages_without_repeating_or_skipping_a_case(api: Api, container, world) -> None:  # type: ignore[no-untyped-def]
    from app.domain.cases.listing import CaseFilter, CaseSort, CaseSortKey
    from app.services import cases as case_service

    opened = {_case_of(api, "sd", "Gasser", f"G{n}", "WA-SAME", days=5) for n in range(5)}
    ctx = container.context_for(world.users["sd"].as_principal(), "test")
    for sort in (CaseSort(CaseSortKey.DOSSIER, False), CaseSort(CaseSortKey.PHASE, True), CaseSort()):
        seen: list[str] = []
        cursor = None
        while True:
            page = case_service.list_cases(container.uow_factory(), ctx, CaseFilter(sort=sort), cursor, 2)
            seen += [str(item.summary.id) for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(opened), sort  # ties on the same Dossier-Nr.: each case once
