"""How the service answers when it cannot serve: 503 with Retry-After, German 413, one log line."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import DatabaseLimits, make_engine
from app.bootstrap import Container
from app.entrypoints.api.app import create_app
from tests.api_helpers import Api

# Nothing listens here (the port range of this work, loopback): connecting is refused at once.
UNREACHABLE = "postgresql+psycopg://cockpit@127.0.0.1:8129/cockpit"


@pytest.fixture
def without_database(container: Container) -> Iterator[TestClient]:
    engine = make_engine(UNREACHABLE, DatabaseLimits(connect_timeout_seconds=1, pool_timeout_seconds=1))
    away = dataclasses.replace(container, engine=engine, uow_factory=_uow_on(engine, container))
    with TestClient(create_app(container.settings, away), raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


def _uow_on(engine: object, container: Container) -> object:
    from app.adapters.db.engine import make_session_factory
    from app.adapters.unit_of_work import SqlUnitOfWork

    sessions = make_session_factory(engine)  # type: ignore[arg-type]
    return lambda: SqlUnitOfWork(sessions, vault=container.vault)


def test_an_unreachable_database_is_503_with_retry_after_and_one_log_line(
    without_database: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = without_database.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "anyone"})

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    assert response.json()["title"] == "Nicht verfügbar"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1
    assert "\n" not in lines[0]
    assert "OperationalError" in lines[0]
    assert "Connection refused" in lines[0] or "connection" in lines[0].lower()


def test_readiness_answers_503_when_the_database_is_away(without_database: TestClient) -> None:
    response = without_database.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["database"] != "ok"


def test_readiness_answers_503_when_the_keys_do_not_open_what_the_database_holds(
    container: Container, api: Api
) -> None:
    api.register_person("sd")  # wraps the blind-index keys under the run's keyring
    strange_keys = dataclasses.replace(container, vault=Vault(LocalKeyring.in_memory()))
    with TestClient(create_app(container.settings, strange_keys)) as client:
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["keys"].startswith("Schlüssel passen nicht")
    assert response.json()["database"] == "ok"


def test_bodies_over_the_limit_get_a_german_problem_413(client: TestClient) -> None:
    def chunked() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 100_000

    declared = client.post(
        "/api/v1/persons", content=b" " * 3_000_000, headers={"Content-Type": "application/json"}
    )
    streamed = client.post("/api/v1/persons", content=chunked(), headers={"Content-Type": "application/json"})

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Anfrage zu gross"
