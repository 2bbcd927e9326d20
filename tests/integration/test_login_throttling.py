"""Login throttling as an attacker meets it: the second factor cannot be brute-forced by starting over
with the password, and nobody can lock a colleague out by failing in their name."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.domain import totp
from tests.audit_log import audit_events
from tests.identity_helpers import AuthApp

PASSWORD = "richtig-geheim-1"
ATTACKER = ("203.0.113.9", 40000)
USER_AT_HOME = ("198.51.100.7", 40000)


@pytest.fixture(autouse=True)
def passwords(auth: AuthApp) -> None:
    from app.services.identity.login import set_password

    hasher = auth.client.app.state.identity.hasher  # type: ignore[attr-defined]
    for username in ("sd", "rav"):
        set_password(auth.uow(), hasher, username, PASSWORD)


def _at(auth: AuthApp, address: tuple[str, int]) -> TestClient:
    return TestClient(auth.client.app, base_url=str(auth.client.base_url), client=address)


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def _login(client: TestClient, username: str = "sd", password: str = PASSWORD):
    data = {"username": username, "password": password, "csrf_token": _csrf(client, "/anmelden")}
    return client.post("/anmelden", data=data, follow_redirects=False)


def _code(client: TestClient, code: str):
    data = {"code": code, "csrf_token": _csrf(client, "/anmelden/code")}
    return client.post("/anmelden/code", data=data, follow_redirects=False)


def _wrong(secret: str, auth: AuthApp, offset: int) -> str:
    right = int(totp.code_at(secret, totp.time_step(auth.clock.now())))
    return str((right + 500_000 + offset) % 1_000_000).zfill(6)


def test_totp_brute_force_is_held_across_password_logins(auth: AuthApp, engine: Engine) -> None:
    """The attacker knows the password and logs in again after every refusal, from new addresses."""
    from app.services.identity.login import enable_totp

    secret = enable_totp(auth.uow(), "sd")
    for attempt in range(30):
        attacker = _at(auth, (f"203.0.113.{attempt + 1}", 40000))
        assert _login(attacker).headers["location"] == "/anmelden/code"  # the password step passes
        for guess in range(3):
            answer = _code(attacker, _wrong(secret, auth, attempt * 3 + guess))
            if answer.status_code == 429:  # this login is over (three codes) or the account waits
                break
            assert answer.status_code == 401
    checked = [e for e in audit_events(engine) if e.reason == "Zweiter Faktor falsch."]
    # no more wrong codes checked per window, however often the password step passed
    assert len(checked) == auth.settings.totp_max_failures

    user = _at(auth, USER_AT_HOME)  # even the right code waits until the window ends
    _login(user)
    assert _code(user, totp.code_at(secret, totp.time_step(auth.clock.now()))).status_code == 429
    auth.clock.advance(minutes=auth.settings.totp_window_minutes, seconds=1)
    user = _at(auth, USER_AT_HOME)
    _login(user)
    assert _code(user, totp.code_at(secret, totp.time_step(auth.clock.now()))).headers["location"] == "/start"


def test_three_wrong_codes_end_the_half_finished_login(auth: AuthApp) -> None:
    from app.services.identity.login import enable_totp

    secret = enable_totp(auth.uow(), "sd")
    client = _at(auth, USER_AT_HOME)
    _login(client)
    assert _code(client, _wrong(secret, auth, 1)).status_code == 401
    assert _code(client, _wrong(secret, auth, 2)).status_code == 401
    third = _code(client, _wrong(secret, auth, 3))
    assert third.status_code == 429 and "erneut an" in third.text
    assert client.get("/anmelden/code", follow_redirects=False).headers["location"] == "/anmelden"


def test_an_attacker_cannot_lock_out_a_user_who_logs_in_from_another_address(auth: AuthApp) -> None:
    attacker = _at(auth, ATTACKER)
    refused_with_wait = 0
    for _ in range(60):  # an hour and more of guessing, waiting out every delay
        answer = _login(attacker, password="geraten-geraten")
        if answer.status_code == 429:
            refused_with_wait += 1
            auth.clock.advance(minutes=1)
    assert refused_with_wait > 0  # the attacker was slowed down
    assert _login(_at(auth, USER_AT_HOME)).status_code == 303  # and the user is not


def test_failures_from_many_addresses_do_not_stop_the_user_at_a_known_address(auth: AuthApp) -> None:
    home = _at(auth, USER_AT_HOME)
    assert _login(home).status_code == 303  # the user's usual address, known from now on
    for number in range(auth.settings.login_account_max_failures + 5):
        _login(_at(auth, (f"192.0.2.{number + 1}", 40000)), password="geraten-geraten")
    assert _login(_at(auth, USER_AT_HOME)).status_code == 303
    stranger = _login(_at(auth, ("192.0.2.200", 40000)))  # an address the account has never used waits
    assert stranger.status_code == 429
    assert _login(_at(auth, ("192.0.2.201", 40000)), username="rav").status_code == 303
