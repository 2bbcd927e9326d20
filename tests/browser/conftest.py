"""The thin client in Debian's Chromium: the real app served by uvicorn on a free loopback port.

The server runs on its own SQLite database with the demo data (once per module), started as
`make run` does it: migrate, seed, serve. Browser tests are marked `browser` and run in the SQLite
pass of `make test` only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_serve import _free_port, _wait_for_line

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "var" / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("thin-client")
    return {
        **os.environ,
        "COCKPIT_DATABASE_URL": f"sqlite:///{home / 'cockpit.db'}",
        "COCKPIT_KEYRING_PATH": str(home / "keyring.json"),
        "COCKPIT_AUDIT_SIGNING_KEY_FILE": str(home / "audit-signing-key.pem"),
        "COCKPIT_AUTH_SIGNING_KEY_DIR": str(home / "signing-keys"),
        "COCKPIT_RECEIPT_DIR": str(home / "receipts"),
    }


@pytest.fixture(scope="module")
def base_url(server_env: dict[str, str]) -> Iterator[str]:
    cockpit = str(Path(sys.executable).with_name("cockpit"))
    for command in (["db", "upgrade"], ["demo", "seed"]):
        done = subprocess.run([cockpit, *command], env=server_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [cockpit, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium fehlt (/usr/bin/chromium): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
