"""Running the alembic migrations from code (CLI, tests)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def migrations_dir() -> Path:
    """The checkout's `migrations/` (dev), or one named by COCKPIT_MIGRATIONS_DIR / in the cwd (image)."""
    candidates = [
        os.environ.get("COCKPIT_MIGRATIONS_DIR"),
        Path(__file__).resolve().parents[3] / "migrations",
        Path.cwd() / "migrations",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "env.py").exists():
            return Path(candidate)
    raise FileNotFoundError("Migrationsverzeichnis nicht gefunden (COCKPIT_MIGRATIONS_DIR setzen).")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The revision the code expects the database to be at."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def revisions(database_url: str) -> list[str]:
    """All revisions from the first to head."""
    script = ScriptDirectory.from_config(alembic_config(database_url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
