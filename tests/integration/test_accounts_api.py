"""Looking after accounts: a supervisor ends the waits of their own people, users see and end their own
sessions, an administrator any; every change is audited with who did it, the CLI's with user@host."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.services.identity.login import set_password
from tests.audit_log import last_audit_event
from tests.identity_helpers import AuthApp
from tests.world import World

PASSWORD = "richtig-geheim-1"


@pytest.fixture(autouse=True)
def passwords(auth: AuthApp) -> None:
    hasher = auth.client.app.state.identity.hasher  # type: ignore[attr-defined]
    set_password(auth.uow(), hasher, "sd", PASSWORD)


def _login(client: TestClient, password: str = PASSWORD) -> int:
    page = client.get("/anmelden").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    data = {"username": "sd", "password": password, "csrf_token": csrf.group(1)}
    return client.post("/anmelden", data=data, follow_redirects=False).status_code


def _browser(auth: AuthApp) -> TestClient:
    return TestClient(auth.client.app, base_url=str(auth.client.base_url))


def test_a_supervisor_ends_the_wait_of_their_own_caseworker_and_it_is_audited(
    auth: AuthApp, client: TestClient, world: World, engine: Engine
) -> None:
    browser = _browser(auth)
    for _ in range(5):
        _login(browser, "falsch-falsch")
    assert _login(browser) == 429
    stranger = client.post("/api/v1/admin/accounts/sd/unlock", headers=world.as_user("olten-lead"))
    assert stranger.status_code == 404  # another institution's supervisor: as if there were no account
    assert last_audit_event(engine).outcome == "denied"
    colleague = client.post("/api/v1/admin/accounts/sd/unlock", headers=world.as_user("sd-colleague"))
    assert colleague.status_code == 404
    unlocked = client.post("/api/v1/admin/accounts/sd/unlock", headers=world.as_user("lead"))
    assert unlocked.status_code == 200 and unlocked.json()["cleared"] >= 1
    event = last_audit_event(engine)
    assert (event.actor_name, event.operation, event.outcome) == ("lead", "accounts.unlock", "allowed")
    assert _login(browser) == 303


def test_a_user_sees_and_ends_all_their_sessions(auth: AuthApp, client: TestClient, world: World) -> None:
    office, home = _browser(auth), _browser(auth)
    assert _login(office) == 303 and _login(home) == 303
    mine = client.get("/api/v1/me/sessions", headers=world.as_user("sd")).json()["items"]
    assert len(mine) == 2 and all(len(item["handle"]) == 12 for item in mine)
    ended = client.delete("/api/v1/me/sessions", headers=world.as_user("sd"))
    assert ended.json() == {"ended": 2}
    assert office.get("/start", follow_redirects=False).status_code == 303
    assert home.get("/api/v1/cases").status_code == 401


def test_an_admin_ends_anyones_sessions_and_a_caseworker_nobody_elses(
    auth: AuthApp, client: TestClient, world: World, engine: Engine
) -> None:
    browser = _browser(auth)
    assert _login(browser) == 303
    assert client.get("/api/v1/admin/accounts/sd/sessions", headers=world.as_user("rav")).status_code == 404
    listed = client.get("/api/v1/admin/accounts/sd/sessions", headers=world.as_user("admin"))
    assert len(listed.json()["items"]) == 1
    assert client.delete("/api/v1/admin/accounts/sd/sessions", headers=world.as_user("admin")).json() == {
        "ended": 1
    }
    assert last_audit_event(engine).actor_name == "admin"
    assert browser.get("/api/v1/cases").status_code == 401


def test_the_cli_acts_as_the_operating_system_user_and_host(
    auth: AuthApp, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.entrypoints.cli.main import app as cli
    from app.entrypoints.cli.operator import operator_name

    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    browser = _browser(auth)
    assert _login(browser) == 303
    result = CliRunner().invoke(cli, ["users", "logout-all", "sd"])
    assert result.exit_code == 0, result.output
    event = last_audit_event(engine)
    assert event.actor_name == operator_name() and event.actor_name.startswith("cli:")
    assert event.operation == "accounts.sessions.end"
    assert browser.get("/api/v1/cases").status_code == 401
