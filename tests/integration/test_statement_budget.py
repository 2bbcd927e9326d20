"""The hot request paths run few, known statements: counted here, so a regression shows as a number."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.adapters.db.principal_directory import SqlPrincipalDirectory
from app.domain.audit import AuditAction, AuditOutcome
from app.services.context import RequestContext
from app.services.ports import UnitOfWork
from tests.api_helpers import Api
from tests.statements import counted
from tests.world import World


def test_a_principal_is_one_statement_per_credential(engine: Engine, world: World) -> None:
    directory = SqlPrincipalDirectory(engine)
    user = world.users["sd"]
    with counted(engine) as statements:
        by_id = directory.active_user(user.id)
        by_name = directory.active_user_named(user.username)
        unknown = directory.enabled_client("kein-client")
    assert by_id == by_name == user.as_principal()
    assert unknown is None
    assert len(statements) == 3
    assert statements.writes == []


def test_dev_header_request_reads_the_user_once(api: Api, client: TestClient, engine: Engine) -> None:
    with counted(engine) as statements:
        response = client.get("/api/v1/institutions", headers=api.headers("sd"))
    assert response.status_code == 200
    assert len(statements.touching("users")) == 1


def test_audit_append_is_one_insert(
    engine: Engine, uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    ctx = RequestContext(world.users["sd"].as_principal(), uuid.uuid4().hex, datetime.now(UTC))
    event = ctx.audit_event(
        action=AuditAction.READ, operation="test.read", outcome=AuditOutcome.ALLOWED, reason="Test."
    )
    with counted(engine) as statements, uow_factory() as uow:
        uow.audit.append(event)
    assert [s.split("(")[0].strip() for s in statements] == ["INSERT INTO audit_events"]


def test_institutions_are_read_once_per_process(
    engine: Engine, uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    institution_id = world.rav.id
    with uow_factory() as uow:
        first = uow.institutions.get(institution_id)
    with counted(engine) as statements, uow_factory() as uow:
        again = uow.institutions.get(institution_id)
    assert again == first
    assert statements == []


def test_ahvn13_lookup_statements(api: Api, client: TestClient, engine: Engine) -> None:
    case = api.open_case("sd")
    person = client.get(f"/api/v1/persons/{case['person_id']}", headers=api.headers("sd")).json()
    with counted(engine) as statements:
        response = client.post(
            "/api/v1/persons/lookup", json={"ahvn13": person["ahvn13"]}, headers=api.headers("sd")
        )
    assert response.status_code == 200
    assert len(statements) <= 9, statements
    assert len(statements.writes) == 1  # the audit event


def test_case_list_loads_the_page_with_one_statement_per_table(
    api: Api, client: TestClient, engine: Engine
) -> None:
    for _ in range(3):
        api.open_case("sd")
    with counted(engine) as statements:
        response = client.get("/api/v1/cases?limit=25", headers=api.headers("sd"))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 3
    assert len(statements.touching("data_keys")) == 1  # all persons of the page at once
    assert len(statements) <= 6, statements


def test_protected_read_is_eight_statements_with_the_principal(
    api: Api, client: TestClient, engine: Engine
) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(case["id"], "plan/goals", {"title": "Ziel"})
    with counted(engine) as statements:
        response = client.get(f"/api/v1/cases/{case['id']}", headers=api.headers("sd"))
    assert response.status_code == 200
    # principal, case + participants + person + data key + contact person, items, invitations,
    # assignment, consents, the institutions' imported dossiers, the audit event
    assert len(statements) <= 8, statements
    assert [s.split("(")[0].strip() for s in statements.writes] == ["INSERT INTO audit_events"]
