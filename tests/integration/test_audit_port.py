"""The audit port: one event per request, in the same transaction, append-only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError

from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseRow
from app.bootstrap import Container
from app.domain.audit import AuditEvent
from app.services.ports import UnitOfWork
from tests.api_helpers import Api, client_with, recording_with
from tests.audit_log import audit_events


def test_every_request_leaves_exactly_one_event_with_its_facts(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    before = len(audit_events(engine))
    correlation_id = "0b5e3f4c-59a4-4a55-9c1e-4d3f0e2a7b11"
    response = api.client.get(
        f"/api/v1/cases/{case['id']}", headers={**api.headers("rav"), "X-Correlation-ID": correlation_id}
    )
    assert response.status_code == 200
    events = audit_events(engine)
    assert len(events) == before + 1
    event = events[-1]
    assert event.action == "read"
    assert event.outcome == "allowed"
    assert event.operation == "cases.read"
    assert event.actor_name == "rav"
    assert event.institution_id == api.world.rav.id
    assert str(event.case_id) == case["id"]
    assert str(event.person_id) == case["person_id"]
    assert event.correlation_id == correlation_id
    assert set(event.categories) == {"stammdaten", "fallfuehrung"}
    assert event.occurred_at.utcoffset() == timedelta(0)  # aware UTC on SQLite and PostgreSQL


def test_denied_read_is_recorded_with_its_reason(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    response = api.get_case(case["id"], user="olten")
    assert response.status_code == 404
    event = audit_events(engine)[-1]
    assert (event.action, event.outcome, event.actor_name) == ("read", "denied", "olten")
    assert event.reason == "Ihre Stelle ist an diesem Fall nicht beteiligt."


def test_withheld_categories_are_recorded(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget"})
    api.get_case(case["id"], user="rav")
    assert audit_events(engine)[-1].withheld_categories == ["sozialhilfe"]


def test_events_hold_no_cleartext_personal_data(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    person = case["stammdaten"]
    api.get_case(case["id"])
    dump = " ".join(str(vars(e)) for e in audit_events(engine))
    for value in (
        person["family_name"],
        person["given_name"],
        person["ahvn13"],
        person["ahvn13"].replace(".", ""),
    ):
        assert value not in dump


class FailingRecorder:
    def __init__(self, _session: object) -> None:
        pass

    def append(self, event: AuditEvent) -> None:
        raise RuntimeError("audit store unavailable")


def test_a_failing_audit_write_fails_the_request_and_keeps_nothing(
    api: Api, container: Container, engine: Engine
) -> None:
    case = api.open_case("sd")
    session_factory = make_session_factory(engine)
    before = len(audit_events(engine))
    failing = recording_with(engine, FailingRecorder, container.vault)
    with client_with(container, uow_factory=failing, raise_server_exceptions=False) as client:
        response = client.post(
            f"/api/v1/cases/{case['id']}/journal",
            json={"category": "fallfuehrung", "text": "x"},
            headers=api.headers("sd"),
        )
    assert response.status_code == 500
    assert "audit store" not in response.text
    assert len(audit_events(engine)) == before
    with session_factory() as session:
        assert session.scalar(select(CaseRow.version).where(CaseRow.id == uuid.UUID(case["id"]))) == 1


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"])
def test_database_refuses_to_change_the_audit_log(
    api: Api, engine: Engine, statement: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    api.open_case("sd")
    count = len(audit_events(engine))
    assert count > 0
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert len(audit_events(engine)) == count
