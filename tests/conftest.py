"""Shared fixtures. Integration tests get a database of their own (see tests/databases.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container, SystemClock
from app.demo.seed import seed_demo
from app.entrypoints.api.app import create_app
from app.services.ports import UnitOfWork
from app.settings import Settings
from tests.databases import DatabaseFactory, backend_name
from tests.world import World, build_world

# Without an environment the service is production (and refuses to start): the tests run as test.
os.environ["COCKPIT_ENVIRONMENT"] = "test"


def pytest_report_header() -> str:
    return f"Datenbank für Integrationstests: {backend_name()}"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


@pytest.fixture
def database_url(databases: DatabaseFactory) -> Iterator[str]:
    """A migrated database that only this test uses (on PostgreSQL wiped and reused afterwards)."""
    url = databases.migrated()
    yield url
    databases.release(url)


def filled_by(vault: Vault, fill: Callable[[Callable[[], UnitOfWork]], object]) -> Callable[[str], None]:
    """A seed for `DatabaseFactory.seeded`: `fill` writes through units of work on the database."""

    def seed(url: str) -> None:
        engine = make_engine(url)
        try:
            session_factory = make_session_factory(engine)
            fill(lambda: SqlUnitOfWork(session_factory, vault=vault))
        finally:
            engine.dispose()

    return seed


@contextmanager
def database_with_demo(databases: DatabaseFactory, vault: Vault, now: datetime) -> Iterator[str]:
    """A database of its own holding the demo seeded at `now`; the seeding runs once per session."""
    url = databases.seeded(f"demo@{now.isoformat()}", filled_by(vault, lambda uows: seed_demo(uows, now)))
    try:
        yield url
    finally:
        databases.release(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def vault() -> Vault:
    """One in-memory keyring for the run: field encryption is on in every test."""
    return Vault(LocalKeyring.in_memory())


@pytest.fixture
def uow_factory(engine: Engine, vault: Vault) -> Callable[[], UnitOfWork]:
    session_factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(session_factory, vault=vault)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


@pytest.fixture
def container(
    settings: Settings, engine: Engine, uow_factory: Callable[[], UnitOfWork], vault: Vault
) -> Container:
    return Container(
        settings=settings, engine=engine, uow_factory=uow_factory, clock=SystemClock(), vault=vault
    )


@pytest.fixture
def client(settings: Settings, container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(settings, container), raise_server_exceptions=False) as test_client:
        yield test_client


@contextmanager
def app_on_own_database(
    databases: DatabaseFactory, vault: Vault
) -> Iterator[tuple[TestClient, Container, World]]:
    """The chain of the fixtures above in one piece, for module-scoped fixtures: tests that only
    send requests which change nothing (refusals) share one database, app and world."""
    url = databases.migrated()
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    container = Container(
        settings=Settings(environment="test", database_url=url),
        engine=engine,
        uow_factory=lambda: SqlUnitOfWork(session_factory, vault=vault),
        clock=SystemClock(),
        vault=vault,
    )
    try:
        with TestClient(create_app(container.settings, container), raise_server_exceptions=False) as client:
            yield client, container, build_world(container.uow_factory)
    finally:
        engine.dispose()
        databases.release(url)


@pytest.fixture
def world(uow_factory: Callable[[], UnitOfWork]) -> World:
    """Institutions and users of a small IIZ: two Sozialdienste, an RAV, the IV-Stelle."""
    return build_world(uow_factory)
