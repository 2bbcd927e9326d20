"""Migration stairway: every revision upgrades and downgrades; the models match the head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.adapters.db import migrations
from app.adapters.db.engine import make_engine
from app.adapters.schema import metadata
from tests.databases import DatabaseFactory


def test_stairway_up_and_down_one_revision_at_a_time(databases: DatabaseFactory) -> None:
    url = databases.empty()
    revisions = migrations.revisions(url)
    assert revisions, "keine Migrationen gefunden"
    for revision in revisions:
        migrations.upgrade(url, revision)
        migrations.downgrade(url, "-1")
        migrations.upgrade(url, revision)
    migrations.downgrade(url, "base")
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []
