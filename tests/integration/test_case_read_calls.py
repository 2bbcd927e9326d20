"""What one protected read costs: the decision basis loaded once, a handful of SQL statements.

Counted with a cursor listener, so a change that loads the basis again (or one row per participant)
fails here rather than in production."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Select, event, func, select
from sqlalchemy.orm import Session

from app.adapters.db.models import CaseItemRow, CaseRow, ParticipationRow
from app.demo.seed import seed_demo
from app.services.identity.login import set_password
from app.services.ports import UnitOfWork
from tests.integration.web_client import PASSWORD, _csrf

MAX_STATEMENTS = 8
MAX_PAGE_TRANSACTIONS = 2


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def transactions(engine: Engine) -> Iterator[list[int]]:
    begun: list[int] = []

    def begin(conn):  # type: ignore[no-untyped-def]
        begun.append(1)

    event.listen(engine, "begin", begin)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", begin)


def _institution_of(username: str, uow: UnitOfWork) -> uuid.UUID:
    user = uow.users.by_username(username)
    assert user is not None
    return user.institution_id


def _first_case(engine: Engine, query: Select[tuple[uuid.UUID]]) -> uuid.UUID:
    with Session(engine) as session:
        case_id = session.scalar(query.limit(1))
    assert case_id is not None
    return case_id


def _richest_case_of(engine: Engine, username: str, uow: UnitOfWork) -> uuid.UUID:
    return _first_case(
        engine,
        select(CaseRow.id)
        .join(ParticipationRow, ParticipationRow.case_id == CaseRow.id)
        .join(CaseItemRow, CaseItemRow.case_id == CaseRow.id)
        .where(ParticipationRow.institution_id == _institution_of(username, uow))
        .group_by(CaseRow.id)
        .order_by(func.count(CaseItemRow.id).desc()),
    )


def _lead_case_of(engine: Engine, username: str, uow: UnitOfWork) -> uuid.UUID:
    """An active case the user's institution leads: its page offers the colleagues as contact person."""
    lead = _institution_of(username, uow)
    return _first_case(
        engine,
        select(CaseRow.id)
        .where(CaseRow.lead_institution_id == lead, CaseRow.phase == "active")
        .order_by(CaseRow.opened_on, CaseRow.id),
    )


@pytest.fixture
def demo_case(client: TestClient, engine: Engine) -> uuid.UUID:
    factory = client.app.state.container.uow_factory  # type: ignore[attr-defined]
    seed_demo(factory, datetime.now(UTC))
    with factory() as uow:
        return _richest_case_of(engine, "demo-rav", uow)


def test_one_protected_read_loads_the_basis_once_and_a_case_page_opens_two_transactions(
    client: TestClient, engine: Engine, demo_case: uuid.UUID
) -> None:
    """One test, so the demo seed is built once: the API read first, then the thin client's page."""
    headers = {"X-Cockpit-Dev-User": "demo-rav"}
    assert client.get(f"/api/v1/cases/{demo_case}", headers=headers).status_code == 200  # warm caches
    with statements(engine) as seen:
        response = client.get(f"/api/v1/cases/{demo_case}", headers=headers)
    assert response.status_code == 200
    assert len(response.json()) > 3  # more than the skeleton: the consented sections are there
    assert len(seen) <= MAX_STATEMENTS, f"{len(seen)} statements:\n" + "\n".join(seen)
    consents = [s for s in seen if re.search(r"FROM consents\b", s)]
    assignments = [s for s in seen if re.search(r"FROM case_assignments\b", s)]
    assert len(consents) == 1 and len(assignments) <= 1, "the decision basis is loaded once"

    app = client.app
    with app.state.container.uow_factory() as uow:  # type: ignore[attr-defined]
        lead_case = _lead_case_of(engine, "demo-lead", uow)
    # demo-rav's institution takes part; demo-lead's (a supervisor) leads and picks the contact person.
    for username, case_id, lead in (("demo-rav", demo_case, False), ("demo-lead", lead_case, True)):
        set_password(app.state.container.uow_factory(), app.state.identity.hasher, username, PASSWORD)  # type: ignore[attr-defined]
        web = TestClient(app, base_url="http://testserver")
        token = _csrf(web.get("/anmelden").text)
        web.post("/anmelden", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert web.get(f"/faelle/{case_id}").status_code == 200  # warm caches
        with transactions(engine) as begun, statements(engine) as seen:
            page = web.get(f"/faelle/{case_id}")
        assert page.status_code == 200
        assert ('name="contact_person_id"' in page.text) is lead, "only the lead sets the contact person"
        assert len(begun) <= MAX_PAGE_TRANSACTIONS, (
            f"{username}: {len(begun)} transactions, {len(seen)} statements"
        )
