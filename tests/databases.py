"""Throw-away databases for the tests: SQLite files or PostgreSQL databases, never shared.

COCKPIT_TEST_DATABASE selects the backend: `sqlite` (default) or a PostgreSQL URL such as
postgresql+psycopg://postgres@127.0.0.1:5432/test. For PostgreSQL each test run creates its own
databases next to the given one and drops them afterwards, so two runs never clash.

Cloning a migrated PostgreSQL database costs about half a second (one file per relation, written
through the WAL); wiping the rows of a used one costs a few milliseconds. So a test's database is
wiped after the test and handed to the next one, unless the test changed its schema, triggers,
grants or settings, which a fingerprint of the catalogue shows: such a database is never reused.

Tests that all start from the same data (the demo seed takes seconds to write) get a copy of a
database filled once per session (`seeded`): a file copy on SQLite, a clone on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

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
        self._seeded: dict[str, str] = {}
        self._wiped: list[str] = []
        self._fingerprint: str | None = None

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
        if self._wiped:
            return self._wiped.pop()
        if self._template is None:
            self._template = self.empty()
            migrations.upgrade(self._template)
        return self._clone(self._template)

    def seeded(self, key: str, seed: Callable[[str], None]) -> str:
        """A copy of a migrated database that `seed` filled the first time `key` was asked for.

        `seed` gets the database's URL and must close its connections when done: PostgreSQL clones a
        database only while nobody is connected to it."""
        template = self._seeded.get(key)
        if template is None:
            template = self.migrated()
            seed(template)
            self._seeded[key] = template
        return self._clone(template)

    def _clone(self, template_url: str) -> str:
        name = self._name()
        if self.postgres:
            template = make_url(template_url).database
            with self._admin() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            url = make_url(self.backend_url).set(database=name).render_as_string(hide_password=False)
            if self._fingerprint is None:
                self._fingerprint = self._read_fingerprint(url)
        else:
            target = self.workdir / (name + ".db")
            shutil.copyfile(make_url(template_url).database or "", target)
            url = f"sqlite:///{target}"
        self._created.append(name)
        return url

    def release(self, url: str) -> None:
        """Wipes a migrated PostgreSQL database after its test so the next test can take it."""
        if not self.postgres or self._fingerprint is None:
            return
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                if _fingerprint(connection) != self._fingerprint:
                    return
                _wipe(connection)
        except SQLAlchemyError:
            return  # a connection the test left open holds a lock: the database is not reused
        finally:
            engine.dispose()
        self._wiped.append(url)

    def _read_fingerprint(self, url: str) -> str:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return _fingerprint(connection)
        finally:
            engine.dispose()

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


_CATALOGUE_FINGERPRINT = text(
    """
    SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
        SELECT concat_ws(':', 'r', relname, relkind::text, relrowsecurity::text, relacl::text) AS item
          FROM pg_class WHERE relnamespace = 'public'::regnamespace
        UNION ALL
        SELECT concat_ws(':', 'a', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                         a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid))
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT concat_ws(':', 't', c.relname, t.tgname, t.tgenabled::text)
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL
        SELECT concat_ws(':', 'c', conname, pg_get_constraintdef(oid))
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT concat_ws(':', 'f', proname, md5(prosrc), proacl::text)
          FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL
        SELECT concat_ws(':', 'p', polname, polrelid::regclass::text) FROM pg_policy
        UNION ALL
        SELECT concat_ws(':', 's', array_to_string(setconfig, ',')) FROM pg_db_role_setting
         WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
        UNION ALL
        SELECT concat_ws(':', 'n', nspacl::text) FROM pg_namespace WHERE nspname = 'public'
        UNION ALL
        SELECT concat_ws(':', 'v', version_num) FROM alembic_version
    ) AS catalogue
    """
)


def _fingerprint(connection: Connection) -> str:
    return str(connection.execute(_CATALOGUE_FINGERPRINT).scalar_one())


def _wipe(connection: Connection) -> None:
    """Deletes every row but the schema version and restarts the sequences, in one round trip.

    In the replica role no ordinary trigger fires: the append-only guards of the audit tables and
    the foreign-key checks stay out of the way, and the order of the deletes does not matter.
    """
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    connection.execute(text("SET LOCAL synchronous_commit = off"))
    connection.execute(_WIPE)


_WIPE = text(
    """
    DO $$
    DECLARE
        item record;
    BEGIN
        FOR item IN SELECT tablename FROM pg_tables
                     WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
            EXECUTE format('DELETE FROM public.%I', item.tablename);
        END LOOP;
        PERFORM setval(format('public.%I', sequencename)::regclass, start_value, false)
           FROM pg_sequences WHERE schemaname = 'public';
    END
    $$
    """
)
