"""The API documentation comes from the app itself (vendored Swagger UI under a strict CSP), and is
off in production unless switched on."""

from __future__ import annotations

import dataclasses
import re

from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.entrypoints.api.api_docs import DOCS_CSP
from app.entrypoints.api.app import create_app
from app.services.identity.login import set_password
from app.settings import PROJECT_ROOT, Settings

PASSWORD = "richtig-geheim-1"

VENDORED = PROJECT_ROOT / "app" / "entrypoints" / "api" / "docs_ui" / "swagger-ui"


def _client(container: Container, **values: object) -> TestClient:
    settings = Settings(**{"environment": "test", "database_url": container.settings.database_url, **values})  # type: ignore[arg-type]
    return TestClient(create_app(settings, dataclasses.replace(container, settings=settings)))


def test_the_docs_page_loads_nothing_from_third_parties(container: Container) -> None:
    client = _client(container)
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == DOCS_CSP
    assert "'unsafe-inline'" not in DOCS_CSP and "http" not in DOCS_CSP
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/api/docs/") for source in sources)
    assert "<script>" not in page.text  # no inline script
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert b"sourceMappingURL" not in asset.content
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Cockpit IIZ Solothurn"


def test_the_vendored_renderer_carries_its_licence() -> None:
    assert "Apache License" in (VENDORED / "LICENSE").read_text(encoding="utf-8")
    assert "5.35.0" in (VENDORED / "VERSION").read_text(encoding="utf-8")


def test_docs_are_off_when_switched_off_and_by_default_in_production(container: Container) -> None:
    client = _client(container, api_docs_enabled=False)
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 404
    assert not Settings.model_construct(
        environment=Settings.model_fields["environment"].default
    ).api_docs_active


def test_login_and_start_pages_link_the_docs_only_when_they_are_served(container: Container, world) -> None:  # type: ignore[no-untyped-def]
    for enabled in (True, False):
        client = _client(container, api_docs_enabled=enabled)
        with client:
            login = client.get("/anmelden")
            assert ('href="/api/docs"' in login.text) is enabled
            set_password(container.uow_factory(), client.app.state.identity.hasher, "sd", PASSWORD)  # type: ignore[attr-defined]
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
            client.post("/anmelden", data={"username": "sd", "password": PASSWORD, "csrf_token": token})
            start = client.get("/start")
            assert "Angemeldet als" in start.text
            assert ('href="/api/docs"' in start.text) is enabled
