"""Health endpoints for the orchestrator."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.entrypoints.api.app import create_app
from app.settings import Settings
from tests.databases import DatabaseFactory


def test_live_and_ready_on_a_migrated_database(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


def test_not_ready_without_schema(databases: DatabaseFactory) -> None:
    app = create_app(Settings(environment="test", database_url=databases.empty()))
    with TestClient(app) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert client.get("/health/live").status_code == 200


def test_not_ready_on_an_older_schema(databases: DatabaseFactory) -> None:
    from app.adapters.db import migrations

    url = databases.empty()
    migrations.upgrade(url, "0001")
    app = create_app(Settings(environment="test", database_url=url))
    with TestClient(app) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["database"] == "Schema nicht aktuell"


def test_start_page_leads_to_the_login_which_links_the_api_documentation(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/anmelden"
    assert 'href="/api/docs"' in client.get("/anmelden").text
    assert client.get("/api/docs").status_code == 200
