from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.adapters.crypto.vault import Vault
from app.bootstrap import Container
from tests.api_helpers import Api
from tests.conftest import app_on_own_database
from tests.databases import DatabaseFactory
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


@pytest.fixture(scope="module")
def shared_api(databases: DatabaseFactory, vault: Vault) -> Iterator[Api]:
    """One app, database and world for a whole module whose tests only make refused requests."""
    with app_on_own_database(databases, vault) as (client, _container, world):
        yield Api(client, world)


@pytest.fixture(scope="module")
def shared_auth(
    databases: DatabaseFactory, vault: Vault, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AuthApp, World]]:
    """`auth` for a whole module whose tests only make refused requests."""
    with app_on_own_database(databases, vault) as (_client, container, world):
        settings = auth_settings(container.settings.database_url, tmp_path_factory.mktemp("keys"))
        app = build_auth_app(container, settings)
        with app.client:
            yield app, world
