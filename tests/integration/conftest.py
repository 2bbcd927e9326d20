import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import Api
from tests.world import World


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def api(client: TestClient, world: World) -> Api:
    return Api(client, world)
