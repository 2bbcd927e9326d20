"""`COCKPIT_REQUEST_THREADS` sizes the threads that run synchronous request work, per process."""

from __future__ import annotations

import dataclasses

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.bootstrap import Container
from app.entrypoints.api.app import create_app
from app.settings import Settings


def _threads_of_running_app(container: Container, **settings: object) -> int:
    changed = Settings(**{"database_url": container.settings.database_url, **settings})  # type: ignore[arg-type]
    app = create_app(changed, dataclasses.replace(container, settings=changed))
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        # the limiter of the loop the app runs on, read on that loop
        return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)  # type: ignore[union-attr]


def test_the_default_keeps_anyios_forty_threads(container: Container) -> None:
    assert _threads_of_running_app(container) == 40


def test_a_configured_number_sizes_the_running_apps_threads(container: Container) -> None:
    assert _threads_of_running_app(container, request_threads=3) == 3


def test_fewer_than_two_threads_are_refused() -> None:
    # One thread would let a single long request stop every other one.
    with pytest.raises(ValidationError, match="request_threads"):
        Settings(environment="test", request_threads=1)
