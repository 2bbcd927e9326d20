"""Who a credential speaks for, in one indexed statement each, without an ORM session.

Asked on every authenticated request (the Bearer token's user or client, the dev header's user), so it
reads a few columns through SQLAlchemy Core on a pooled connection and maps them straight to the domain.
Nothing is cached: a disabled client or an inactive user is refused on the very next request.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Engine, Select, Table, bindparam, select

from app.adapters.db.identity_models import SystemClientRow
from app.adapters.db.models import UserRow
from app.domain.principal import Principal, PrincipalKind, Role

_users: Table = UserRow.__table__  # type: ignore[assignment]
_clients: Table = SystemClientRow.__table__  # type: ignore[assignment]
_USER_COLUMNS = (_users.c.id, _users.c.username, _users.c.institution_id, _users.c.roles)
# Built once (a statement built per call costs its cache key on every request).
_ACTIVE_USER = select(*_USER_COLUMNS).where(_users.c.id == bindparam("id"), _users.c.active.is_(True))
_ACTIVE_USER_NAMED = select(*_USER_COLUMNS).where(
    _users.c.username == bindparam("username"), _users.c.active.is_(True)
)
_ENABLED_CLIENT = select(_clients.c.id, _clients.c.client_id, _clients.c.institution_id).where(
    _clients.c.client_id == bindparam("client_id"), _clients.c.enabled.is_(True)
)


class SqlPrincipalDirectory:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._without_transaction = engine.dialect.name != "sqlite"

    def active_user(self, user_id: uuid.UUID) -> Principal | None:
        return self._user(_ACTIVE_USER, {"id": user_id})

    def active_user_named(self, username: str) -> Principal | None:
        return self._user(_ACTIVE_USER_NAMED, {"username": username})

    def enabled_client(self, client_id: str) -> Principal | None:
        with self._connection() as connection:
            row = connection.execute(_ENABLED_CLIENT, {"client_id": client_id}).first()
        return Principal(row.id, PrincipalKind.SYSTEM, row.client_id, row.institution_id) if row else None

    def _connection(self) -> Connection:
        # One SELECT needs no transaction: without BEGIN and ROLLBACK around it, a request's principal
        # costs PostgreSQL one round trip instead of three. SQLite begins no transaction for a SELECT
        # anyway, and switching its isolation level there and back cost more than the SELECT.
        connection = self._engine.connect()
        if self._without_transaction:
            return connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection

    def _user(self, statement: Select[Any], parameters: dict[str, object]) -> Principal | None:
        with self._connection() as connection:
            row = connection.execute(statement, parameters).first()
        if row is None:
            return None
        roles = frozenset(Role(role) for role in row.roles)
        return Principal(row.id, PrincipalKind.USER, row.username, row.institution_id, roles)
