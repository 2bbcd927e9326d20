"""Caseworker login of the thin client, and the ways people try to get around it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.bootstrap import Container
from app.domain import totp
from app.services.identity.login import enable_totp, set_password
from tests.audit_log import audit_events, last_audit_event
from tests.identity_helpers import AuthApp, auth_settings, build_auth_app

PASSWORD = "richtig-geheim-1"
COOKIE = "cockpit-session"


@pytest.fixture(autouse=True)
def passwords(auth: AuthApp) -> None:
    for username in ("sd", "rav", "lead"):
        set_password(auth.uow(), auth.client.app.state.identity.hasher, username, PASSWORD)  # type: ignore[attr-defined]


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _form(client: TestClient, path: str = "/anmelden") -> str:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 200, response.text
    return _csrf(response.text)


def _login(client: TestClient, username: str = "sd", password: str = PASSWORD, csrf: str | None = None):
    token = _form(client) if csrf is None else csrf
    return client.post(
        "/anmelden",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def _logged_in(client: TestClient) -> bool:
    return client.get("/start", follow_redirects=False).status_code == 200


def test_login_rotates_the_session_id_and_is_audited(auth: AuthApp, engine: Engine) -> None:
    client = auth.client
    _form(client)
    before = client.cookies[COOKIE]
    response = _login(client)
    assert (response.status_code, response.headers["location"]) == (303, "/start")
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    assert "Secure" not in set_cookie  # test mode; see test_cookie_is_secure_outside_dev
    after = client.cookies[COOKIE]
    assert after != before
    event = last_audit_event(engine)
    assert (event.action, event.outcome, event.actor_name, event.operation) == (
        "login",
        "allowed",
        "sd",
        "web.login",
    )
    assert PASSWORD not in event.reason
    start = client.get("/start")
    assert "Angemeldet als <strong>sd</strong>" in start.text
    assert client.get("/api/v1/cases").status_code == 200  # the session opens the API too

    # session fixation: the id from before the login opens nothing
    attacker = TestClient(client.app, base_url=str(client.base_url), cookies={COOKIE: before})
    assert attacker.get("/start", follow_redirects=False).headers["location"] == "/anmelden"
    assert attacker.get("/api/v1/cases").status_code == 401


def test_cookie_is_secure_outside_dev(container: Container, database_url: str, tmp_path: Path, world) -> None:
    app = build_auth_app(
        container, auth_settings(database_url, tmp_path / "keys", session_cookie_secure=True)
    )
    with app.client:
        response = app.client.get("/anmelden")
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("__Host-cockpit-session=")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie


def test_login_form_without_or_with_a_wrong_csrf_token_changes_nothing(auth: AuthApp, engine: Engine) -> None:
    client = auth.client
    _form(client)
    count = len(audit_events(engine))
    missing = client.post("/anmelden", data={"username": "sd", "password": PASSWORD}, follow_redirects=False)
    assert missing.status_code == 403
    assert "Sicherheitsprüfung" in missing.text
    wrong = _login(client, csrf="falsch")
    assert wrong.status_code == 403
    other = TestClient(client.app, base_url=str(client.base_url))
    foreign = _login(client, csrf=_form(other))  # a token of another session
    assert foreign.status_code == 403
    assert not _logged_in(client)
    assert len(audit_events(engine)) == count  # no attempt was even made


def test_logout_needs_the_csrf_token_and_ends_the_session(auth: AuthApp, engine: Engine) -> None:
    client = auth.client
    _login(client)
    forged = client.post("/abmelden", data={"csrf_token": "falsch"}, follow_redirects=False)
    assert forged.status_code == 303 and _logged_in(client)
    cookie = client.cookies[COOKIE]
    token = _csrf(client.get("/start").text)
    response = client.post("/abmelden", data={"csrf_token": token}, follow_redirects=False)
    assert response.headers["location"] == "/anmelden?abgemeldet"
    event = last_audit_event(engine)
    assert (event.action, event.operation, event.actor_name) == ("logout", "web.logout", "sd")
    replayed = TestClient(client.app, base_url=str(client.base_url), cookies={COOKIE: cookie})
    assert replayed.get("/api/v1/cases").status_code == 401


def test_api_writes_with_a_session_cookie_need_the_csrf_header(auth: AuthApp) -> None:
    client = auth.client
    _login(client)
    token = _csrf(client.get("/start").text)
    body = {
        "ahvn13": "756.9217.0769.85",
        "family_name": "Keller",
        "given_name": "Mara",
        "birth_date": "1984-03-12",
    }
    refused = client.post("/api/v1/persons", json=body)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Sicherheitstoken (X-CSRF-Token) fehlt oder ist falsch."
    accepted = client.post("/api/v1/persons", json=body, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201, accepted.text


def test_wrong_passwords_lock_the_account_for_a_while(auth: AuthApp, engine: Engine) -> None:
    client = auth.client
    for _ in range(4):
        response = _login(client, password="falsch-falsch")
        assert response.status_code == 401
        assert "Benutzername oder Passwort ist falsch." in response.text
    locked = _login(client, password="falsch-falsch")
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.text and "15 Minuten" in locked.text
    still = _login(client)  # even the right password, while locked
    assert still.status_code == 429
    assert not _logged_in(client)
    event = last_audit_event(engine)
    assert (event.outcome, event.reason) == ("denied", "Anmeldung gesperrt (Drosselung).")
    colleague = TestClient(client.app, base_url=str(client.base_url))
    assert _login(colleague, username="rav").status_code == 303  # other accounts are not affected
    auth.clock.advance(minutes=15, seconds=1)
    assert _login(client).status_code == 303


def test_many_failures_from_one_address_lock_that_address(auth: AuthApp) -> None:
    client = auth.client
    for attempt in range(20):  # 4 × the account limit, spread over accounts that do not exist
        _login(client, username=f"geraten-{attempt}", password="x" * 10)
    response = _login(client, username="lead")
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.text


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(auth: AuthApp, engine: Engine) -> None:
    unknown = _login(auth.client, username="niemand")
    wrong = _login(auth.client, password="falsch-falsch")
    assert unknown.status_code == wrong.status_code == 401
    assert re.sub(r'value="[^"]+"', "", unknown.text) == re.sub(r'value="[^"]+"', "", wrong.text)
    event = audit_events(engine)[-2]
    assert (event.actor_name, event.outcome) == ("unbekannt", "denied")  # the typed name is not kept


def test_idle_session_expires(auth: AuthApp) -> None:
    client = auth.client
    _login(client)
    auth.clock.advance(minutes=29)
    assert _logged_in(client)  # activity resets the idle clock
    auth.clock.advance(minutes=29)
    assert _logged_in(client)
    auth.clock.advance(minutes=30, seconds=1)
    assert client.get("/api/v1/cases").status_code == 401
    page = client.get("/anmelden")
    assert "Ihre Sitzung ist abgelaufen" in page.text


def test_second_factor_wrong_then_right_code(auth: AuthApp, engine: Engine) -> None:
    secret = enable_totp(auth.uow(), "sd")
    client = auth.client
    _form(client)
    response = _login(client)
    assert response.headers["location"] == "/anmelden/code"
    half = client.cookies[COOKIE]
    assert not _logged_in(client)
    assert client.get("/api/v1/cases").status_code == 401  # a password alone opens nothing
    csrf = _form(client, "/anmelden/code")
    step = totp.time_step(auth.clock.now())
    wrong_code = str((int(totp.code_at(secret, step)) + 1) % 1_000_000).zfill(6)
    wrong = client.post(
        "/anmelden/code", data={"code": wrong_code, "csrf_token": csrf}, follow_redirects=False
    )
    assert wrong.status_code == 401 and "Der Code ist falsch" in wrong.text
    no_csrf = client.post("/anmelden/code", data={"code": totp.code_at(secret, step)}, follow_redirects=False)
    assert no_csrf.status_code == 403
    right = client.post(
        "/anmelden/code",
        data={"code": totp.code_at(secret, step), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert right.headers["location"] == "/start"
    assert client.cookies[COOKIE] != half
    assert _logged_in(client)
    assert last_audit_event(engine).reason == "Angemeldet (Passwort und TOTP)."

    # the same code does not work a second time
    other = TestClient(client.app, base_url=str(client.base_url))
    _login(other)
    replay = other.post(
        "/anmelden/code",
        data={"code": totp.code_at(secret, step), "csrf_token": _form(other, "/anmelden/code")},
        follow_redirects=False,
    )
    assert replay.status_code == 401


def test_institution_that_requires_totp_refuses_accounts_without_it(
    container: Container, database_url: str, tmp_path: Path, world
) -> None:
    settings = auth_settings(database_url, tmp_path / "keys", totp_required_institutions=["T-SD-WA"])
    app = build_auth_app(container, settings)
    with app.client:
        hasher = app.client.app.state.identity.hasher  # type: ignore[attr-defined]
        set_password(app.uow(), hasher, "sd", PASSWORD)
        set_password(app.uow(), hasher, "rav", PASSWORD)
        refused = _login(app.client)
        assert refused.status_code == 401
        assert "verlangt einen zweiten Faktor" in refused.text
        assert _login(app.client, username="rav").status_code == 303  # the RAV does not require it
        enable_totp(app.uow(), "sd")
        other = TestClient(app.client.app, base_url=str(app.client.base_url))
        assert _login(other).headers["location"] == "/anmelden/code"
