"""PostgreSQL: the service role may read and append the audit log, never change or delete it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from app.adapters.db.audit_privileges import grants_sql
from tests.api_helpers import Api
from tests.databases import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="Rechte gibt es nur in PostgreSQL")


def test_grants_refuse_an_unsafe_role_name() -> None:
    with pytest.raises(ValueError, match="Rollenname"):
        grants_sql("app; DROP TABLE audit_events")


def test_service_role_appends_but_cannot_change_or_delete(api: Api, engine: Engine) -> None:
    api.open_case("sd")
    role = f"cockpit_app_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        connection.exec_driver_sql(grants_sql(role))
    try:
        with engine.begin() as connection:
            connection.execute(text(f"SET LOCAL ROLE {role}"))
            assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar()
            connection.execute(text("SELECT count(*) FROM cases"))
        for statement in (
            "UPDATE audit_events SET reason = 'x'",
            "DELETE FROM audit_events",
            "UPDATE audit_seals SET position = position",
            "DELETE FROM audit_checkpoints",
            "INSERT INTO audit_prunes (before_position, checkpoint_tree_size, export_sha256, pruned_at) "
            "VALUES (1, 1, 'x', now())",
        ):
            with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as connection:
                connection.execute(text(f"SET LOCAL ROLE {role}"))
                connection.execute(text(statement))
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
