"""What `make run` does, end to end: migrate, seed, serve; then the service answers over real HTTP."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from tests.databases import DatabaseFactory

STARTUP_LIMIT_SECONDS = 60  # an upper bound for a hung start, not a timing assertion


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = databases.empty()
    monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
    runner = CliRunner()
    for command in (["db", "upgrade"], ["demo", "seed"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
    port = _free_port()
    cockpit = Path(sys.executable).with_name("cockpit")
    server = subprocess.Popen(
        [str(cockpit), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "COCKPIT_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_line(server, "Application startup complete")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        assert server.stdout is not None
        server.stdout.close()


def _wait_for_line(server: subprocess.Popen[str], marker: str) -> None:
    # A reader thread, not a selector on the pipe: lines that arrive together end up in the text
    # wrapper's buffer, where a selector never sees them, and the wait would hang under load.
    assert server.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    stdout = server.stdout

    def read() -> None:
        for line in iter(stdout.readline, ""):
            lines.put(line)
            if marker in line:
                return

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if marker in line:
            return
    pytest.fail("Server nicht gestartet:\n" + "".join(seen))


def test_served_service_is_ready_and_lists_demo_cases(served: str) -> None:
    ready = httpx.get(f"{served}/health/ready")
    assert ready.status_code == 200
    cases = httpx.get(f"{served}/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-sd"})
    assert cases.status_code == 200
    items = cases.json()["items"]
    assert len(items) >= 5
    assert all(item["display_name"] for item in items)
