"""A signed-in thin-client session for page tests, and the hidden fields its forms carry."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from app.services.identity.login import set_password
from tests.api_helpers import Api
from tests.identity_helpers import cheap_password_hasher

PASSWORD = "richtig-geheim-1"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _version(html: str) -> str:
    """The case's version tag the form carries, as a browser would send it."""
    match = re.search(r'name="version" value="([^"]+)"', html)
    assert match, html
    return unescape(match.group(1))


@pytest.fixture
def browser_for(api: Api, client: TestClient):  # type: ignore[no-untyped-def]
    """A separate client (own cookie jar) signed in to the thin client as the given user.

    Passwords are hashed with the cheapest argon2id, as in `build_auth_app`: the production cost
    (about a quarter of a second to set and check one) bought nothing here but waiting."""
    client.app.state.identity.hasher = cheap_password_hasher()  # type: ignore[attr-defined]

    def sign_in(username: str) -> TestClient:
        hasher = client.app.state.identity.hasher  # type: ignore[attr-defined]
        set_password(client.app.state.container.uow_factory(), hasher, username, PASSWORD)  # type: ignore[attr-defined]
        web = TestClient(client.app, base_url="http://testserver")
        token = _csrf(web.get("/anmelden").text)
        done = web.post(
            "/anmelden",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert done.headers["location"] == "/start", done.text
        return web

    return sign_in
