"""Pruning only through export plus checkpoint: what remains still verifies; nothing else is deleted."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from app.services.ports import UnitOfWork
from tests.audit_chain_helpers import run_cli
from tests.unit.audit_chain_builders import event


def test_prune_deletes_only_old_exported_events_and_the_rest_still_verifies(
    engine: Engine,
    uow_factory: Callable[[], UnitOfWork],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime.now(UTC)
    with uow_factory() as uow:
        for n in range(4):
            uow.audit.append(event(n, id=uuid.uuid4(), occurred_at=now - timedelta(days=400 - n)))
        for n in range(3):
            uow.audit.append(event(10 + n, id=uuid.uuid4(), occurred_at=now - timedelta(days=10)))
    key = tmp_path / "key.pem"
    export = tmp_path / "audit.jsonl"
    assert run_cli(monkeypatch, database_url, key, "export", "--output", str(export)).exit_code == 0

    pruned = run_cli(monkeypatch, database_url, key, "prune", "--export", str(export))
    assert pruned.exit_code == 0, pruned.output
    assert "4 Ereignisse vor Eintrag Nr. 4 gelöscht" in pruned.output
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 3
        assert connection.execute(text("SELECT count(*) FROM audit_seals")).scalar() == 7

    verified = run_cli(monkeypatch, database_url, key, "verify")
    assert verified.exit_code == 0, verified.output
    assert run_cli(monkeypatch, database_url, key, "verify", "--file", str(export)).exit_code == 0
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))  # the young ones stay protected


def test_a_tampered_export_prunes_nothing(
    engine: Engine,
    uow_factory: Callable[[], UnitOfWork],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with uow_factory() as uow:
        uow.audit.append(event(0, id=uuid.uuid4(), occurred_at=datetime.now(UTC) - timedelta(days=500)))
        uow.audit.append(event(1, id=uuid.uuid4()))
    key, export = tmp_path / "key.pem", tmp_path / "audit.jsonl"
    assert run_cli(monkeypatch, database_url, key, "export", "--output", str(export)).exit_code == 0
    export.write_text(export.read_text(encoding="utf-8").replace("Fall gelesen.", "Fall gelesen!", 1))
    result = run_cli(monkeypatch, database_url, key, "prune", "--export", str(export))
    assert result.exit_code == 1
    assert "nicht unversehrt" in result.output
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 2
