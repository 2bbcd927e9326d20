"""The hot reads run on threads of their own (`short_request_threads`), with the same principal checks.

Filling anyio's default limiter stands for long requests holding every request thread; holding the
short limiter stands for hot reads holding theirs. Waits are bounded (a failing test fails, it does
not hang) and nothing sleeps: a request that must wait is seen waiting in the limiter's statistics.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import anyio
import anyio.to_thread
import pytest
from anyio import CapacityLimiter
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from app.bootstrap import Container
from app.entrypoints.api.app import create_app
from app.entrypoints.api.short_work import short_work_limiter
from app.settings import Settings
from tests.api_helpers import Api, new_ahvn13
from tests.audit_log import audit_events
from tests.identity_helpers import AuthApp
from tests.integration.web_client import _csrf
from tests.world import World

BOUND_SECONDS = 30  # only a broken build waits this long


def _hot_reads(api: Api, user: str = "sd") -> dict[str, Callable[[TestClient], Response]]:
    case = api.open_case(user)
    headers = api.headers(user)
    return {
        "case read": lambda client: client.get(f"/api/v1/cases/{case['id']}", headers=headers),
        "case list": lambda client: client.get("/api/v1/cases", headers=headers),
        "institutions": lambda client: client.get("/api/v1/institutions", headers=headers),
        "AHVN13 lookup": lambda client: client.post(
            "/api/v1/persons/lookup", json={"ahvn13": new_ahvn13()}, headers=headers
        ),
    }


@contextmanager
def _all_tokens_held(client: TestClient, limiter: Callable[[], CapacityLimiter]) -> Iterator[CapacityLimiter]:
    """Every token of the limiter (looked up on the app's event loop) taken by someone else."""
    portal = client.portal
    assert portal is not None
    held = portal.call(limiter)
    borrowers = [object() for _ in range(int(held.total_tokens))]
    for borrower in borrowers:
        portal.call(held.acquire_on_behalf_of, borrower)
    try:
        yield held
    finally:
        for borrower in borrowers:
            portal.call(held.release_on_behalf_of, borrower)


def _waiting(client: TestClient, limiter: CapacityLimiter) -> int:
    portal = client.portal
    assert portal is not None
    return portal.call(lambda: limiter.statistics().tasks_waiting)


def _until(condition: Callable[[], bool]) -> None:
    """Waits for a state (a request queued in a limiter), bounded; no assumption about timing."""
    deadline = time.monotonic() + BOUND_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the state never came"
        time.sleep(0.005)


def test_hot_reads_answer_while_long_requests_hold_every_request_thread(
    client: TestClient, world: World
) -> None:
    reads = _hot_reads(Api(client, world))
    with (
        ThreadPoolExecutor(max_workers=1) as sender,
        _all_tokens_held(client, anyio.to_thread.current_default_thread_limiter),
    ):
        for name, read in reads.items():
            answer = sender.submit(read, client).result(timeout=BOUND_SECONDS)
            assert answer.status_code in (200, 404), (name, answer.text)


def test_other_requests_still_use_the_request_threads(client: TestClient, world: World) -> None:
    api = Api(client, world)
    person = api.register_person()
    with ThreadPoolExecutor(max_workers=1) as sender:
        with _all_tokens_held(client, anyio.to_thread.current_default_thread_limiter) as limiter:
            pending: Future[Response] = sender.submit(
                client.get, f"/api/v1/persons/{person['id']}", headers=api.headers("sd")
            )
            _until(lambda: _waiting(client, limiter) >= 1)
            assert not pending.done()
        assert pending.result(timeout=BOUND_SECONDS).status_code == 200


def test_a_hot_read_waits_for_the_short_threads_not_beside_them(client: TestClient, world: World) -> None:
    read = _hot_reads(Api(client, world))["case read"]
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=1) as sender:
        with _all_tokens_held(client, lambda: short_work_limiter(settings)) as limiter:
            pending = sender.submit(read, client)
            _until(lambda: _waiting(client, limiter) >= 1)
            assert not pending.done()
        assert pending.result(timeout=BOUND_SECONDS).status_code == 200


def _read_by_a_client_that_hangs_up(
    client: TestClient, path: str, headers: dict[str, str], hung_up: threading.Event
) -> Future[list[dict[str, Any]]]:
    """The read sent straight to the app on its event loop, as a server hands it over, and what the
    app sends back. Once `hung_up` is set, the server reports the client gone (ASGI's
    `http.disconnect`); before that, its (empty) request body and then nothing more."""
    portal = client.portal
    assert portal is not None
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    body_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if hung_up.is_set():
            return {"type": "http.disconnect"}
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def served() -> list[dict[str, Any]]:
        await client.app(scope, receive, send)  # type: ignore[arg-type]
        return sent

    return portal.start_task_soon(served)


def _reads_of(engine: Engine, case_id: str) -> int:
    return sum(1 for e in audit_events(engine) if e.operation == "cases.read" and str(e.case_id) == case_id)


def test_a_read_whose_client_hung_up_while_it_waited_is_not_done(
    client: TestClient, world: World, engine: Engine
) -> None:
    """Its turn passes on: nothing is read, nothing audited, the log notes 499. A client still there
    is served as before."""
    case = Api(client, world).open_case("sd")
    path = f"/api/v1/cases/{case['id']}"
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    gone, staying = threading.Event(), threading.Event()
    with _all_tokens_held(client, lambda: short_work_limiter(settings)) as limiter:
        leaving = _read_by_a_client_that_hangs_up(client, path, world.as_user("sd"), gone)
        waiting = _read_by_a_client_that_hangs_up(client, path, world.as_user("sd"), staying)
        _until(lambda: _waiting(client, limiter) >= 2)
        gone.set()
    assert leaving.result(timeout=BOUND_SECONDS)[0]["status"] == 499
    assert waiting.result(timeout=BOUND_SECONDS)[0]["status"] == 200
    assert _reads_of(engine, case["id"]) == 1


def _app_with(container: Container, **changes: Any) -> tuple[FastAPI, Settings]:
    changed = Settings(database_url=container.settings.database_url, **changes)
    return create_app(changed, dataclasses.replace(container, settings=changed)), changed


def test_a_hot_read_waits_a_bounded_time_for_its_thread(container: Container, world: World) -> None:
    app, changed = _app_with(container, short_request_wait_seconds=0.05, retry_after_seconds=7)
    with TestClient(app) as client, _all_tokens_held(client, lambda: short_work_limiter(changed)):
        answer = client.get("/api/v1/institutions", headers=world.as_user("sd"))
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["retry-after"] == "7"
    assert "ausgelastet" in answer.json()["detail"]


def test_reads_queued_behind_a_held_write_lock_all_answer_once_it_is_free(
    client: TestClient, world: World, engine: Engine
) -> None:
    """SQLite: a read's audit event waits for the one write lock (an import batch, say); the reads
    behind it wait for the short thread, and all of them answer once the lock is free."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL: a read's audit insert waits for no other writer")
    read = _hot_reads(Api(client, world))["case read"]
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    writer = sqlite3.connect(str(engine.url.database), isolation_level=None)
    with ThreadPoolExecutor(max_workers=3) as senders:
        writer.execute("BEGIN IMMEDIATE")
        try:
            pending = [senders.submit(read, client) for _ in range(3)]
            limiter = client.portal.call(short_work_limiter, settings)  # type: ignore[union-attr]
            _until(lambda: _waiting(client, limiter) >= 2)
            assert not any(future.done() for future in pending)
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        answers = [future.result(timeout=BOUND_SECONDS) for future in pending]
    assert [answer.status_code for answer in answers] == [200, 200, 200]


def test_the_setting_sizes_the_short_threads(container: Container) -> None:
    app, changed = _app_with(container, short_request_threads=3)
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        portal = client.portal
        assert portal is not None
        assert portal.call(lambda: short_work_limiter(changed).total_tokens) == 3


def test_zero_short_threads_are_refused() -> None:
    with pytest.raises(ValueError, match="short_request_threads"):
        Settings(environment="test", short_request_threads=0)


# -- the principal is checked on the worker thread exactly as elsewhere ---------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/cases/00000000-0000-4000-8000-000000000000", None),
        ("GET", "/api/v1/cases", None),
        ("GET", "/api/v1/institutions", None),
        ("POST", "/api/v1/persons/lookup", {"ahvn13": "756.1234.5678.97"}),
    ],
)
def test_a_forged_or_missing_credential_is_refused_on_every_hot_read(
    auth: AuthApp, method: str, path: str, body: dict[str, Any] | None
) -> None:
    client = auth.client
    for headers in (
        {},
        {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."},
        {"Authorization": "Basic eDp5"},
    ):
        answer = client.request(method, path, json=body, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.headers["www-authenticate"].startswith("Bearer")
    dev_header = client.request(method, path, json=body, headers={"X-Cockpit-Dev-User": "sd"})
    assert dev_header.status_code == 401  # the auth app runs without the dev header


def test_a_request_naming_no_credential_is_refused_without_queueing(auth: AuthApp) -> None:
    """A flood without credentials cannot hold the short-read thread: with every one of its slots
    taken, such a request still gets its 401 at once, from the event loop."""
    client = auth.client
    held = _all_tokens_held(client, lambda: short_work_limiter(auth.settings))
    with ThreadPoolExecutor(max_workers=1) as sender, held:
        answer = sender.submit(client.get, "/api/v1/cases").result(timeout=BOUND_SECONDS)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Anmeldung erforderlich (Bearer-Zugriffstoken oder Sitzung)."


def test_a_session_lookup_without_the_csrf_token_is_refused(
    browser_for: Callable[[str], TestClient],
) -> None:
    web = browser_for("sd")  # a session cookie, no other credential
    token = _csrf(web.get("/start").text)
    lookup = {"ahvn13": new_ahvn13()}
    refused = web.post("/api/v1/persons/lookup", json=lookup)
    assert refused.status_code == 403, refused.text
    wrong = web.post("/api/v1/persons/lookup", json=lookup, headers={"X-CSRF-Token": "falsch"})
    assert wrong.status_code == 403
    allowed = web.post("/api/v1/persons/lookup", json=lookup, headers={"X-CSRF-Token": token})
    assert allowed.status_code == 404, allowed.text  # nobody has this number: the ordinary answer
