"""Slow and stalled clients hold only their own upload: other requests keep being served.

The app runs under uvicorn on a loopback port (a real socket, so a client can really send slowly).
Uploads are staged in full before their transaction opens (app/entrypoints/api/upload_staging.py).
No timing is asserted here; latency under load is measured in bench/ (`make evidence`).
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from app.bootstrap import Container
from app.entrypoints.api.app import create_app
from app.settings import Settings
from tests.api_helpers import Api
from tests.integration.test_serve import _free_port
from tests.world import World

pytestmark = pytest.mark.integration

STARTUP_LIMIT_SECONDS = 30  # an upper bound for a hung start, not a timing assertion
SLOW_UPLOADS = 16


@contextmanager
def _serving(container: Container, settings: Settings) -> Iterator[tuple[str, object]]:
    app = create_app(settings, dataclasses.replace(container, settings=settings))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "Server startet nicht"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _start_slow_upload(base_url: str, case_id: str, user: str, declared: int = 200_000) -> socket.socket:
    """Headers and the first kilobyte of a PDF; the rest never comes (until the socket closes)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)))
    head = (
        f"POST /api/v1/cases/{case_id}/documents?category=gesundheit&filename=b.pdf HTTP/1.1\r\n"
        f"Host: {host}\r\nX-Cockpit-Dev-User: {user}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    )
    connection.sendall(head.encode() + b"%PDF-1.7\n" + b"x" * 1015)
    return connection


def _answer(connection: socket.socket) -> tuple[int, dict[str, object]]:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body[body.index(b"{") :])


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test", database_url=database_url, uploads_per_client=SLOW_UPLOADS, db_pool_size=2
    )


def test_sixteen_slow_uploads_leave_case_work_to_everyone_else(
    container: Container, settings: Settings, world: World
) -> None:
    with _serving(container, settings) as (base_url, _), httpx.Client(base_url=base_url, timeout=60) as http:
        api = Api(http, world)  # type: ignore[arg-type]
        case = api.open_case("sd")
        slow = [_start_slow_upload(base_url, case["id"], "sd") for _ in range(SLOW_UPLOADS)]
        try:
            other = api.open_case("sd")  # registration, opening: writes
            read = http.get(f"/api/v1/cases/{case['id']}", headers=world.as_user("sd"))
            listed = http.get("/api/v1/cases", headers=world.as_user("sd"))
            ready = http.get("/health/ready")
        finally:
            for connection in slow:
                connection.close()

    assert other["id"]
    assert (read.status_code, listed.status_code, ready.status_code) == (200, 200, 200)


def test_a_stalled_upload_is_answered_408_and_stores_nothing(
    container: Container, settings: Settings, world: World
) -> None:
    stalling = settings.model_copy(update={"upload_idle_timeout_seconds": 0.3})
    with _serving(container, stalling) as (base_url, _), httpx.Client(base_url=base_url, timeout=60) as http:
        case = Api(http, world).open_case("sd")  # type: ignore[arg-type]
        connection = _start_slow_upload(base_url, case["id"], "sd")
        try:
            status, problem = _answer(connection)
        finally:
            connection.close()
        listed = http.get(f"/api/v1/cases/{case['id']}/documents", headers=world.as_user("sd"))

    assert status == 408
    assert problem["title"] == "Zeitüberschreitung"
    assert listed.json()["items"] == []


def test_uploads_beyond_the_clients_limit_are_refused_429_while_others_upload(
    container: Container, settings: Settings, world: World
) -> None:
    one_each = settings.model_copy(update={"uploads_per_client": 1})
    with (
        _serving(container, one_each) as (base_url, app),
        httpx.Client(base_url=base_url, timeout=60) as http,
    ):
        case = Api(http, world).open_case("sd")  # type: ignore[arg-type]
        pdf = b"%PDF-1.7\n" + b"y" * 2000 + b"\n%%EOF\n"
        params = {"category": "gesundheit", "filename": "c.pdf"}
        first = _start_slow_upload(base_url, case["id"], "sd")
        try:
            deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
            while getattr(app.state, "upload_slots", None) is None or not app.state.upload_slots._open:  # type: ignore[attr-defined]
                assert time.monotonic() < deadline
                time.sleep(0.02)
            second = http.post(
                f"/api/v1/cases/{case['id']}/documents",
                params=params,
                content=pdf,
                headers=world.as_user("sd"),
            )
            colleague = http.post(
                f"/api/v1/cases/{case['id']}/documents",
                params=params,
                content=pdf,
                headers=world.as_user("lead"),
            )
        finally:
            first.close()

    assert second.status_code == 429
    assert second.headers["Retry-After"]
    assert second.headers["Content-Type"] == "application/problem+json"
    assert colleague.status_code == 201, colleague.text


def test_simultaneous_openings_for_one_person_answer_one_201_and_otherwise_the_same_409(
    container: Container, settings: Settings, world: World
) -> None:
    openers = 8
    with _serving(container, settings) as (base_url, _), httpx.Client(base_url=base_url, timeout=60) as http:
        person = Api(http, world).register_person("sd")  # type: ignore[arg-type]
        start = threading.Barrier(openers)
        answers: list[httpx.Response] = []

        def open_one(serial: int) -> None:
            body = {"person_id": person["id"], "local_reference": f"RACE-{serial}", "opened_on": "2026-01-05"}
            with httpx.Client(base_url=base_url, timeout=60) as own:
                start.wait()
                answers.append(own.post("/api/v1/cases", json=body, headers=world.as_user("sd")))

        threads = [threading.Thread(target=open_one, args=(n,)) for n in range(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (openers - 1)
    refusals = {
        (a.json()["type"], a.json()["detail"], str(a.json().get("errors")))
        for a in answers
        if a.status_code == 409
    }
    assert len(refusals) == 1
