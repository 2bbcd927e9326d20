"""Engine and session factory for SQLite (embedded) and PostgreSQL.

Every wait is bounded (docs/operations.md): connecting, waiting for a pooled connection, a
statement, a lock. A request that hits a bound fails fast and is answered 503 with Retry-After
instead of hanging while the database is frozen or saturated.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseLimits:
    connect_timeout_seconds: int = 5
    statement_timeout_seconds: float = 30.0
    lock_timeout_seconds: float = 10.0
    pool_size: int = 10
    max_overflow: int = 5
    pool_timeout_seconds: float = 5.0


def make_engine(url: str, limits: DatabaseLimits | None = None, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        busy_timeout = limits.lock_timeout_seconds if limits else 30
        if limits is not None and parsed.database not in (None, "", ":memory:"):
            kwargs.setdefault("pool_size", limits.pool_size)
            kwargs.setdefault("max_overflow", limits.max_overflow)
            kwargs.setdefault("pool_timeout", limits.pool_timeout_seconds)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if limits is not None:
            _bound_sqlite_statements(engine, limits.statement_timeout_seconds)
        return engine
    if limits is not None:
        options = (
            f"-c statement_timeout={int(limits.statement_timeout_seconds * 1000)}"
            f" -c lock_timeout={int(limits.lock_timeout_seconds * 1000)}"
        )
        kwargs.setdefault(
            "connect_args", {"connect_timeout": limits.connect_timeout_seconds, "options": options}
        )
        kwargs.setdefault("pool_size", limits.pool_size)
        kwargs.setdefault("max_overflow", limits.max_overflow)
        kwargs.setdefault("pool_timeout", limits.pool_timeout_seconds)
    engine = create_engine(url, **kwargs)
    _ping_after_idle(engine)
    return engine


# A pooled connection that was used moments ago is alive; one that sat idle may have been cut (a
# server restart, a firewall's idle timeout). Pinging only those saves a round trip per checkout
# under load, where `pool_pre_ping` would ping every time (twice per request: principal, use case).
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_after_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in_at")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new, or back in the pool only a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)  # the dialect's own ping, as pre_ping's
        except Exception as error:
            raise exc.DisconnectionError() from error
        if not alive:
            raise exc.DisconnectionError()  # the pool discards it and checks out a fresh one


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL syncs at checkpoints, not at every commit: a commit survives a crash
    # of the process, only a power cut may lose the last ones (production runs on PostgreSQL).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _bound_sqlite_statements(engine: Engine, limit_seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler interrupts a statement running too long
    (it then fails with OperationalError 'interrupted')."""

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: Any, _record: Any) -> None:
        started: list[float] = [0.0]
        dbapi_connection.set_progress_handler(
            lambda: int(started[0] > 0 and time.monotonic() - started[0] > limit_seconds), 10_000
        )
        _record.info["statement_started"] = started

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_: Any) -> None:
        started = conn.connection.info.get("statement_started")
        if started is not None:
            started[0] = time.monotonic()

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn: Any, *_: Any) -> None:
        started = conn.connection.info.get("statement_started")
        if started is not None:
            started[0] = 0.0


def limits_of(settings: Any) -> DatabaseLimits:
    """The limits configured in settings (COCKPIT_DB_*)."""
    return DatabaseLimits(
        connect_timeout_seconds=settings.db_connect_timeout_seconds,
        statement_timeout_seconds=settings.db_statement_timeout_seconds,
        lock_timeout_seconds=settings.db_lock_timeout_seconds,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout_seconds=settings.db_pool_timeout_seconds,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


# The tables a bulk import fills (persons, their keys, cases, participants, dossiers).
BULK_TABLES = ("persons", "data_keys", "cases", "case_participants", "institution_dossiers")


def refresh_planner_statistics(engine: Engine, tables: tuple[str, ...] = BULK_TABLES) -> None:
    """PostgreSQL plans with the statistics of the last ANALYZE: tables a first import fills from
    empty look empty to it until autovacuum comes by, and every lookup of the import scans them
    whole. Called after the first batch of an import that has more. It waits at most a second for
    its lock (a running VACUUM goes first); without the right to analyze (not the owner) the server
    skips the table with a warning. Nothing fails the import."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
            connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")
    except exc.SQLAlchemyError as error:
        _log.warning("Planerstatistik nicht aufgefrischt: %s", type(error).__name__)
