"""A stolen database file or dump reveals none of the seeded clients' names, AHVN13s or plan texts,
and none of the secrets an operator sets up: passwords, TOTP seeds, webhook and client secrets."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.adapters.auth.secrets import Argon2PasswordHasher, hash_client_secret, new_client_secret
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.events.subscriptions import add_subscription
from app.demo.cases import DEMO_CASES
from app.demo.credentials import DEMO_PASSWORD, seed_demo_passwords
from app.demo.seed import seed_demo
from app.demo.steps import AddGoal, AddMeasure, Assess, ImportDossier, Note
from app.domain.identity import ClientAuthMethod
from app.services.identity.clients import create_client
from app.services.identity.login import enable_totp
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
    secrets = _seeded_secrets() | OPERATOR_SECRETS
    return sorted(s for s in secrets if any(form in raw for form in _forms(s)))


OPERATOR_SECRETS: set[str] = set()  # filled by the fixture: the secrets are random per run


@pytest.fixture
def seeded(uow_factory: Callable[[], UnitOfWork], engine: Engine, vault: Vault) -> Iterator[Engine]:
    seed_demo(uow_factory, NOW)
    seed_demo_passwords(uow_factory(), _CheapHasher())  # type: ignore[arg-type]
    totp_secret = enable_totp(uow_factory(), "demo-sd")  # type: ignore[arg-type]
    subscription = add_subscription(
        make_session_factory(engine), vault.provider, "RAV-SOLOTHURN", "https://rav.example/hook", NOW
    )
    assert subscription is not None
    client_secret = new_client_secret()
    create_client(
        uow_factory(),  # type: ignore[arg-type]
        client_id="rav-system",
        institution_code="RAV-SOLOTHURN",
        auth_method=ClientAuthMethod.CLIENT_SECRET_BASIC,
        now=NOW,
        secret=client_secret,
        secret_hash=hash_client_secret(client_secret),
    )
    OPERATOR_SECRETS.clear()
    OPERATOR_SECRETS.update({DEMO_PASSWORD, totp_secret, subscription[1], client_secret})
    yield engine
    OPERATOR_SECRETS.clear()


class _CheapHasher(Argon2PasswordHasher):
    def __init__(self) -> None:
        from argon2 import PasswordHasher

        super().__init__(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


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
    assert len(OPERATOR_SECRETS) == 4
    assert _leaks(raw) == []


@pytest.mark.skipif(not is_postgres(), reason="pg_dump needs the PostgreSQL backend")
def test_postgresql_dump_holds_no_seeded_personal_data(seeded: Engine, database_url: str) -> None:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--dbname", url], capture_output=True, check=True).stdout
    assert b"COPY public.persons" in dump and b"COPY public.user_credentials" in dump
    assert len(OPERATOR_SECRETS) == 4
    assert _leaks(dump) == []
