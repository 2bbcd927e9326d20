"""The thin client in Debian's Chromium: the real app served by uvicorn on a free loopback port.

The server runs as `make run` starts it: migrate, seed, serve. Migrating and seeding take several
seconds, so each pytest worker prepares one such home (SQLite database, keyring, keys) once, and each
module serves a copy of its own: the server writes to its home, and no module sees what another one
did. Browser tests are marked `browser` and run in the SQLite pass of `make test` only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.home import home_env, run_cockpit
from tests.integration.test_serve import _free_port, _wait_for_line

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "var" / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home as `make run` prepares it (migrated, demo seeded), built once per worker; never served."""
    home = tmp_path_factory.mktemp("demo-home")
    env = home_env(home)
    run_cockpit(env, "db", "upgrade")
    run_cockpit(env, "demo", "seed")
    return home


@pytest.fixture(scope="module")
def server_env(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A copy of the demo home for this module's server alone."""
    home = tmp_path_factory.mktemp("thin-client")
    shutil.copytree(demo_home, home, dirs_exist_ok=True)
    return home_env(home)


@pytest.fixture(scope="module")
def base_url(server_env: dict[str, str]) -> Iterator[str]:
    cockpit = str(Path(sys.executable).with_name("cockpit"))
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
