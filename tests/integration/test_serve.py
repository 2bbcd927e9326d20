"""What `make run` does, end to end: migrate, seed, serve; then the service answers over real HTTP."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.entrypoints.cli.main import app as cli
from tests.databases import DatabaseFactory

STARTUP_LIMIT_SECONDS = 60  # an upper bound for a hung start, not a timing assertion


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = databases.empty()
    monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
    # As on a first dev run: the keyring is created by the first command that needs a key.
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(tmp_path / "keyring.json"))
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
    assert server.stdout is not None
    # Read the pipe's bytes directly: a buffered readline may pull several lines at once, after
    # which the selector sees nothing left and would wait for output that never comes.
    descriptor = server.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(descriptor, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    seen = b""
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        seen += chunk
        if marker.encode() in seen:
            return
    pytest.fail("Server nicht gestartet:\n" + seen.decode(errors="replace"))


def test_served_service_is_ready_and_lists_demo_cases(served: str) -> None:
    ready = httpx.get(f"{served}/health/ready")
    assert ready.status_code == 200
    cases = httpx.get(f"{served}/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-lead"})
    assert cases.status_code == 200
    items = cases.json()["items"]
    assert len(items) >= 5
    assert all(item["display_name"] for item in items)
