"""The exchange endpoints: upload a file of the institution's system, fetch a case in its format."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.bootstrap import Container
from app.domain.principal import Principal, PrincipalKind
from app.entrypoints.api.app import create_app
from app.entrypoints.api.deps import current_principal
from app.services.ports import UnitOfWork
from app.settings import Settings
from tests.audit_log import last_audit_event
from tests.integration.exchange.helpers import FIXTURES, Systems, add_systems


@pytest.fixture
def systems(uow_factory: Callable[[], UnitOfWork]) -> Systems:
    return add_systems(uow_factory)


@pytest.fixture
def as_iv(settings: Settings, container: Container, systems: Systems) -> Iterator[TestClient]:
    app = create_app(settings, container)
    principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "iv-dossiersystem", systems.iv.id)
    app.dependency_overrides[current_principal] = lambda: principal
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_upload_reports_each_record_then_export_round_trips(as_iv: TestClient, engine: Engine) -> None:
    payload = (FIXTURES / "iv_dossiers.json").read_bytes()

    response = as_iv.post("/api/v1/exchange/iv/imports", content=payload)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {"created": 1, "changed": 0, "unchanged": 0, "error": 0}
    case_id = body["results"][0]["case_id"]
    exported = as_iv.get(f"/api/v1/exchange/iv/cases/{case_id}")
    assert exported.headers["content-type"] == "application/json"
    assert exported.headers["cache-control"] == "no-store"
    assert last_audit_event(engine).action == "disclose"
    again = as_iv.post("/api/v1/exchange/iv/imports", content=exported.content)
    assert again.json()["summary"]["unchanged"] == 1


def test_dry_run_over_the_api_stores_nothing(as_iv: TestClient) -> None:
    payload = (FIXTURES / "iv_dossiers.json").read_bytes()

    dry = as_iv.post("/api/v1/exchange/iv/imports?dry_run=true", content=payload).json()
    real = as_iv.post("/api/v1/exchange/iv/imports", content=payload).json()

    assert dry["dry_run"] is True
    assert dry["summary"]["created"] == real["summary"]["created"] == 1


def test_another_institutions_format_is_forbidden(as_iv: TestClient) -> None:
    payload = (FIXTURES / "rav_stellensuchende.xml").read_bytes()

    response = as_iv.post("/api/v1/exchange/rav/imports", content=payload)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_export_of_an_unknown_case_is_a_plain_404(as_iv: TestClient) -> None:
    response = as_iv.get(f"/api/v1/exchange/iv/cases/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json()["detail"] == "Der Fall wurde nicht gefunden."
