"""Safe by default: no credentials means 401 in every environment; the dev header is narrow."""

from __future__ import annotations

import dataclasses
import uuid

from fastapi.testclient import TestClient

from app.bootstrap import Container
from app.demo.directory import stable_id
from app.domain.principal import Role
from app.domain.users import User
from app.entrypoints.api.app import create_app
from app.settings import Settings


def _client(container: Container, **settings: object) -> TestClient:
    changed = Settings(**{"database_url": container.settings.database_url, **settings})  # type: ignore[arg-type]
    return TestClient(create_app(changed, dataclasses.replace(container, settings=changed)))


def test_no_credentials_is_401_problem_json_even_in_dev(container: Container, world) -> None:
    response = _client(container, environment="dev").get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_in_dev_the_header_names_only_the_seeded_demo_users(container: Container, world) -> None:
    client = _client(container, environment="dev")
    assert client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "sd"}).status_code == 401
    sd = world.users["sd"]
    with container.uow_factory() as uow:  # a real account that merely carries a demo name
        uow.users.add(
            User(uuid.uuid4(), "demo-lead", "Falscher Name", sd.institution_id, frozenset({Role.CASEWORKER}))
        )
    assert client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-lead"}).status_code == 401
    with container.uow_factory() as uow:
        uow.users.add(
            User(
                stable_id("user", "demo-sd"),
                "demo-sd",
                "Demo",
                sd.institution_id,
                frozenset({Role.CASEWORKER}),
            )
        )
    assert client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-sd"}).status_code == 200


def test_the_dev_header_is_refused_when_switched_off(container: Container, world) -> None:
    client = _client(container, environment="test", dev_principal_enabled=False)
    response = client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "sd"})
    assert response.status_code == 401
    assert "nur in Entwicklung und Test" in response.json()["detail"]
