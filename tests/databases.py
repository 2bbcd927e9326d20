"""Throw-away databases for the tests: SQLite files or PostgreSQL databases, never shared.

COCKPIT_TEST_DATABASE selects the backend: `sqlite` (default) or a PostgreSQL URL such as
postgresql+psycopg://postgres@127.0.0.1:5432/test. For PostgreSQL each test run creates its own
databases next to the given one and drops them afterwards, so two runs never clash.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.adapters.db import migrations

BACKEND_URL = os.environ.get("COCKPIT_TEST_DATABASE", "sqlite")


def is_postgres(url: str = BACKEND_URL) -> bool:
    return url.startswith("postgresql")


def backend_name() -> str:
    return "postgresql" if is_postgres() else "sqlite"


class DatabaseFactory:
    """Creates empty or migrated databases for one test session and removes them at the end."""

    def __init__(self, workdir: Path, backend_url: str = BACKEND_URL) -> None:
        self.workdir = workdir
        self.backend_url = backend_url
        self.postgres = is_postgres(backend_url)
        self.run_id = uuid.uuid4().hex[:8]
        self._created: list[str] = []
        self._template: str | None = None

    def _name(self) -> str:
        return f"cockpit_t{self.run_id}_{len(self._created)}"

    def empty(self) -> str:
        name = self._name()
        if self.postgres:
            with self._admin() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(self.backend_url).set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{self.workdir / (name + '.db')}"
        self._created.append(name)
        return url

    def migrated(self) -> str:
        """A fresh database at the head revision, cloned from a template migrated once."""
        if self._template is None:
            self._template = self.empty()
            migrations.upgrade(self._template)
        name = self._name()
        if self.postgres:
            template = make_url(self._template).database
            with self._admin() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            url = make_url(self.backend_url).set(database=name).render_as_string(hide_password=False)
        else:
            target = self.workdir / (name + ".db")
            shutil.copyfile(make_url(self._template).database or "", target)
            url = f"sqlite:///{target}"
        self._created.append(name)
        return url

    def drop_all(self) -> None:
        if not self.postgres:
            return
        with self._admin() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    @contextmanager
    def _admin(self) -> Iterator[object]:
        engine = create_engine(self.backend_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()
