"""The pull feed: events of the caller's cases in write order, with a cursor that skips the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container, outboxing_audit_recorder
from tests.api_helpers import Api, client_with
from tests.world import World


class FeedApi(Api):
    def __init__(self, client: TestClient, world: World, engine: Engine) -> None:
        super().__init__(client, world)
        self.sequencer = OutboxSequencer(engine)


@pytest.fixture
def events_api(container: Container, engine: Engine, world: World, vault: Vault) -> Iterator[FeedApi]:
    session_factory = make_session_factory(engine)
    outboxing = lambda: SqlUnitOfWork(session_factory, audit_factory=outboxing_audit_recorder, vault=vault)  # noqa: E731
    with client_with(container, uow_factory=outboxing, raise_server_exceptions=False) as client:
        yield FeedApi(client, world, engine)


def _feed(api: FeedApi, user: str, cursor: str = "", limit: int = 100) -> dict[str, object]:
    api.sequencer.sequence()  # what the sequencer thread of `cockpit serve` does every second
    response = api.client.get(f"/api/v1/events?cursor={cursor}&limit={limit}", headers=api.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def test_feed_pages_through_own_cases_only(events_api: FeedApi) -> None:
    mine = events_api.open_case("sd")
    events_api.open_case("olten")
    events_api.add_participant(mine["id"], events_api.world.rav.id)

    first = _feed(events_api, "sd", limit=1)
    second = _feed(events_api, "sd", cursor=str(first["next_cursor"]))
    third = _feed(events_api, "sd", cursor=str(second["next_cursor"]))

    items = first["items"] + second["items"]  # type: ignore[operator]
    assert [(e["type"], e["case_id"]) for e in items] == [
        ("case.created", mine["id"]),
        ("case.changed", mine["id"]),  # the RAV is invited
        ("case.changed", mine["id"]),  # the RAV accepts
        ("case.changed", mine["id"]),  # the RAV's supervisor assigns its caseworker
    ]
    assert third == {"items": [], "next_cursor": second["next_cursor"]}


def test_feed_of_an_institution_without_cases_is_empty_but_moves_on(events_api: FeedApi) -> None:
    events_api.open_case("sd")

    page = _feed(events_api, "iv")

    assert page["items"] == []
    assert page["next_cursor"] != "0"


def test_malformed_cursor_is_a_german_validation_problem(events_api: FeedApi) -> None:
    response = events_api.client.get("/api/v1/events?cursor=abc", headers=events_api.headers("sd"))

    assert response.status_code == 422
    assert response.json()["detail"] == "Der Cursor ist ungültig."
