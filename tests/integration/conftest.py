from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Container
from tests.api_helpers import Api
from tests.identity_helpers import AuthApp, auth_settings, build_auth_app
from tests.integration.web_client import browser_for  # noqa: F401 - fixture of the page tests
from tests.world import World


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def api(client: TestClient, world: World) -> Api:
    return Api(client, world)


@pytest.fixture
def auth(container: Container, database_url: str, tmp_path: Path, world: World) -> Iterator[AuthApp]:
    """The app with real authentication only: no dev header, keys in a directory of this test."""
    app = build_auth_app(container, auth_settings(database_url, tmp_path / "keys"))
    with app.client:
        yield app
