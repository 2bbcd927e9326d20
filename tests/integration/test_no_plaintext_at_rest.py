"""A stolen database file or dump reveals none of the seeded clients' names, AHVN13s or plan texts."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.demo.cases import DEMO_CASES
from app.demo.seed import seed_demo
from app.demo.steps import AddGoal, AddMeasure, Assess, ImportDossier, Note
from app.services.ports import UnitOfWork
from tests.databases import is_postgres

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def _seeded_secrets() -> set[str]:
    secrets: set[str] = set()
    for demo in DEMO_CASES:
        client = demo.client
        digits = client.ahvn13.digits
        secrets |= {client.family_name, client.given_name, client.street, digits, client.ahvn13.formatted}
        for step in demo.steps:
            if isinstance(step, AddGoal):
                secrets |= {step.title, step.description}
            elif isinstance(step, AddMeasure):
                secrets |= {step.title}
            elif isinstance(step, Assess):
                secrets |= {step.findings}
            elif isinstance(step, Note):
                secrets |= {step.text}
            elif isinstance(step, ImportDossier):  # what the institutions' systems sent
                secrets |= {value for _, value in step.facts if isinstance(value, str)}
    return {s for s in secrets if s}


def _forms(secret: str) -> list[bytes]:
    """The quoted JSON forms (how a JSON document holds a value) and, where long enough not to turn
    up in random ciphertext by chance, the bare UTF-8."""
    forms = [json.dumps(secret).encode(), json.dumps(secret, ensure_ascii=False).encode()]
    if len(secret.encode()) >= 6:
        forms += [secret.encode(), secret[:24].encode()]
    return forms


def _leaks(raw: bytes) -> list[str]:
    return sorted(s for s in _seeded_secrets() if any(form in raw for form in _forms(s)))


@pytest.fixture
def seeded(uow_factory: Callable[[], UnitOfWork], engine: Engine) -> Engine:
    seed_demo(uow_factory, NOW)
    return engine


def test_seeded_secrets_are_what_the_scan_looks_for() -> None:
    assert {"Brunner", "Lea"} <= _seeded_secrets()
    assert _leaks(b'{"family_name": "Wyss", "given_name": "Lea"}') == ["Lea", "Wyss"]
    assert _leaks(b"Herr Brunner wohnt hier") == ["Brunner"]


@pytest.mark.skipif(is_postgres(), reason="the raw file is SQLite's")
def test_raw_sqlite_file_holds_no_seeded_personal_data(seeded: Engine, database_url: str) -> None:
    seeded.dispose()  # writes the WAL back into the file
    path = Path(make_url(database_url).database or "")
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert len(raw) > 100_000
    assert _leaks(raw) == []


@pytest.mark.skipif(not is_postgres(), reason="pg_dump needs the PostgreSQL backend")
def test_postgresql_dump_holds_no_seeded_personal_data(seeded: Engine, database_url: str) -> None:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--dbname", url], capture_output=True, check=True).stdout
    assert b"COPY public.persons" in dump
    assert _leaks(dump) == []
