"""A form posted after the session timed out is not lost: it is kept sealed for the same user and comes
back, once, on its page after the next login. Nobody else gets it, and nothing of it lies in plaintext."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.services.identity.login import set_password
from tests.api_helpers import Api
from tests.identity_helpers import AuthApp

PASSWORD = "richtig-geheim-1"
TYPED = "Gespräch mit der Klientin über die Stelle in Olten, Bewerbung bis Freitag"
SUBJECT = "Standortgespräch Olten"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _site(web: TestClient) -> str:
    return str(web.base_url).rstrip("/")


def _log_in(web: TestClient, username: str) -> str:
    token = _csrf(web.get("/anmelden").text)
    done = web.post(
        "/anmelden",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return done.headers["location"]


def _post_journal_after_timeout(auth: AuthApp, api: Api) -> tuple[str, str]:
    """sd opens the journal, lets the session run out, then saves; the page and the CSRF token used."""
    for user in ("sd", "sd-colleague", "rav"):
        set_password(auth.uow(), auth.client.app.state.identity.hasher, user, PASSWORD)  # type: ignore[attr-defined]
    case_id = api.open_case("sd")["id"]
    web = auth.client
    _log_in(web, "sd")
    page = f"/faelle/{case_id}/teil/journal"
    token = _csrf(web.get(page).text)
    auth.clock.advance(minutes=31)
    posted = web.post(
        f"/faelle/{case_id}/journal",
        data={"csrf_token": token, "category": "general", "subject": SUBJECT, "text": TYPED},
        headers={"referer": _site(web) + page},
        follow_redirects=False,
    )
    assert (posted.status_code, posted.headers["location"]) == (303, "/anmelden")
    assert "cockpit_formular" in web.cookies
    return page, token


def _kept_rows(engine: Engine) -> list[tuple[bytes, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sealed, kek_id FROM pending_forms"))
        return [(bytes(r[0]), r[1]) for r in rows]


def test_the_form_comes_back_after_the_login_once(auth: AuthApp, api: Api, engine: Engine) -> None:
    page, token = _post_journal_after_timeout(auth, api)
    web = auth.client

    [(sealed, _)] = _kept_rows(engine)
    for plain in (TYPED, SUBJECT, token, "Olten"):
        assert plain.encode() not in sealed  # sealed at rest; the CSRF token is not kept at all

    assert _log_in(web, "sd") == page
    shown = web.get(page)
    assert TYPED in shown.text and SUBJECT in shown.text
    assert "Ihre Eingaben sind wieder eingesetzt" in shown.text
    assert '<details class="entry" open>' in shown.text
    assert _kept_rows(engine) == []  # used once, then gone

    again = web.get(page)
    assert TYPED not in again.text


def test_another_user_on_the_same_browser_never_gets_it(auth: AuthApp, api: Api, engine: Engine) -> None:
    page, _ = _post_journal_after_timeout(auth, api)
    web = auth.client
    _log_in(web, "sd-colleague")  # a colleague at the same desk, same institution
    shown = web.get(page)
    assert TYPED not in shown.text
    assert _kept_rows(engine) == []  # spent by the attempt: sd cannot be tricked into it later either
    _log_in(web, "sd")
    assert TYPED not in web.get(page).text


def test_a_stolen_token_in_another_browser_opens_nothing(auth: AuthApp, api: Api, engine: Engine) -> None:
    page, _ = _post_journal_after_timeout(auth, api)
    stolen = auth.client.cookies["cockpit_formular"]
    other = TestClient(auth.client.app, base_url=_site(auth.client))
    _log_in(other, "rav")
    other.cookies.set("cockpit_formular", stolen)
    assert TYPED not in other.get(page).text
    assert TYPED not in other.get("/faelle").text
    assert _kept_rows(engine) == []


def test_an_expired_form_is_gone(auth: AuthApp, api: Api, engine: Engine) -> None:
    page, _ = _post_journal_after_timeout(auth, api)
    auth.clock.advance(minutes=31)
    web = auth.client
    _log_in(web, "sd")  # the login clears what has expired
    assert _kept_rows(engine) == []
    assert TYPED not in web.get(page).text


def test_a_post_without_a_session_that_ran_out_keeps_nothing(auth: AuthApp, api: Api, engine: Engine) -> None:
    case_id = api.open_case("sd")["id"]
    anonymous = TestClient(auth.client.app, base_url=_site(auth.client))
    posted = anonymous.post(
        f"/faelle/{case_id}/journal",
        data={"csrf_token": "x", "category": "general", "text": TYPED},
        headers={"referer": _site(anonymous) + f"/faelle/{case_id}"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert "cockpit_formular" not in anonymous.cookies
    assert _kept_rows(engine) == []
