"""After a login that a page asked for, the user is back on that page; never on another site."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.entrypoints.web.return_to import safe_path
from tests.api_helpers import Api
from tests.integration.web_client import PASSWORD, _csrf

SignIn = Callable[[str], TestClient]


def _log_in(web: TestClient, username: str) -> str:
    token = _csrf(web.get("/anmelden").text)
    done = web.post(
        "/anmelden",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return done.headers["location"]


def test_a_case_page_that_asked_for_a_login_is_shown_again_after_it(
    api: Api, browser_for: SignIn, client: TestClient
) -> None:
    case_id = api.open_case("sd")["id"]
    browser_for("sd")  # sets the password
    anonymous = TestClient(client.app, base_url="http://testserver")

    asked = anonymous.get(f"/faelle/{case_id}/teil/journal", follow_redirects=False)
    assert asked.headers["location"] == "/anmelden"

    assert _log_in(anonymous, "sd") == f"/faelle/{case_id}/teil/journal"
    assert _log_in(TestClient(client.app), "sd") == "/start"  # nothing remembered: the start page


def test_the_page_says_when_the_session_ends_and_links_to_extend_it(browser_for: SignIn) -> None:
    page = browser_for("sd").get("/faelle").text
    assert "Ohne Aktivität endet Ihre Sitzung um" in page
    assert '<a href="/faelle">Sitzung verlängern</a>' in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/anmelden",
        "/faelle\r\nSet-Cookie: x",
        "",
    ],
)
def test_only_a_local_page_is_ever_a_target(target: str) -> None:
    assert safe_path(target) is None


def test_a_local_page_is_a_target() -> None:
    assert safe_path("/faelle/1?x=2") == "/faelle/1?x=2"
