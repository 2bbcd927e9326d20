"""Login through the canton's identity provider, against a tiny provider the test starts on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.bootstrap import Container
from tests.audit_log import last_audit_event
from tests.identity_helpers import AuthApp, auth_settings, build_auth_app
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, TinyOidcProvider
from tests.world import World


@pytest.fixture
def provider() -> Iterator[TinyOidcProvider]:
    with TinyOidcProvider() as running:
        yield running


@pytest.fixture
def oidc_app(
    container: Container, database_url: str, tmp_path: Path, world: World, provider: TinyOidcProvider
) -> Iterator[AuthApp]:
    settings = auth_settings(
        database_url,
        tmp_path / "keys",
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )
    app = build_auth_app(container, settings)
    with app.client:
        yield app


def _through_provider(client: TestClient) -> httpx.Response:
    """Begin at Cockpit, let the provider authenticate, and bring its answer back to Cockpit."""
    begin = client.get("/anmelden/oidc", follow_redirects=False)
    assert begin.status_code == 303, begin.text
    assert "code_challenge_method=S256" in begin.headers["location"]
    answer = httpx.get(begin.headers["location"], follow_redirects=False)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    assert back.path == "/anmelden/oidc/antwort"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_login_through_the_identity_provider(oidc_app: AuthApp, engine: Engine) -> None:
    client = oidc_app.client
    assert "Mit dem kantonalen Login anmelden" in client.get("/anmelden").text
    before = client.cookies["cockpit-session"]
    response = _through_provider(client)
    assert (response.status_code, response.headers["location"]) == (303, "/start")
    assert client.cookies["cockpit-session"] != before
    assert "Angemeldet als <strong>sd</strong>" in client.get("/start").text
    event = last_audit_event(engine)
    assert (event.action, event.outcome, event.actor_name, event.reason) == (
        "login",
        "allowed",
        "sd",
        "Angemeldet (OIDC).",
    )


def test_identity_provider_user_without_a_cockpit_account_is_refused(
    oidc_app: AuthApp, provider: TinyOidcProvider, engine: Engine
) -> None:
    provider.next_username = "fremd"
    response = _through_provider(oidc_app.client)
    assert response.status_code == 401
    assert "kein aktives Cockpit-Konto" in response.text
    assert last_audit_event(engine).outcome == "denied"


@pytest.mark.parametrize(
    "changes", [{"nonce": "fremd"}, {"aud": "other-app"}, {"iss": "http://evil"}, {"exp": 1}]
)
def test_id_token_that_does_not_fit_is_refused(
    oidc_app: AuthApp, provider: TinyOidcProvider, changes: dict
) -> None:
    provider.id_token_changes = changes
    response = _through_provider(oidc_app.client)
    assert response.status_code == 401
    assert "fehlgeschlagen" in response.text
    assert oidc_app.client.get("/start", follow_redirects=False).headers["location"] == "/anmelden"


def test_answer_for_another_browser_session_is_refused(oidc_app: AuthApp) -> None:
    victim = oidc_app.client
    begin = victim.get("/anmelden/oidc", follow_redirects=False)
    back = urlsplit(httpx.get(begin.headers["location"], follow_redirects=False).headers["location"])
    attacker = TestClient(victim.app, base_url=str(victim.base_url))
    attacker.get("/anmelden")
    response = attacker.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert response.status_code == 401
    # and the state is used up: the rightful session cannot replay it either
    assert victim.get(f"{back.path}?{back.query}", follow_redirects=False).status_code == 401
