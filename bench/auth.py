"""What authentication costs per request: `python -m bench.auth [--backend URL]`.

Ratios against `api_live` (the test client's floor) of the same run: the same case list read with
the dev header, with a Bearer access token (signature check + client lookup), and with a session
cookie (session lookup + touch); plus token issue and an argon2id password check in isolation.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from app.adapters.auth.secrets import Argon2PasswordHasher, hash_client_secret, new_client_secret
from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db import migrations
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container, SystemClock
from app.demo.credentials import DEMO_PASSWORD, seed_demo_passwords
from app.demo.seed import seed_demo
from app.domain.identity import ClientAuthMethod
from app.entrypoints.api.app import create_app
from app.services.identity.clients import create_client
from app.settings import Settings

ROUNDS, WARMUP = 200, 20


def _median_ms(call: Callable[[], object]) -> float:
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--backend", default=None, help="PostgreSQL URL of an empty database (default SQLite)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    url = args.backend or f"sqlite:///{workdir / 'bench.db'}"
    migrations.upgrade(url)
    settings = Settings(environment="test", database_url=url, auth_signing_key_dir=workdir / "keys")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    vault = Vault(LocalKeyring.in_memory())

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory, vault=vault)

    container = Container(settings, engine, uow, SystemClock(), vault=vault)
    seed_demo(container.uow_factory, datetime.now(UTC))
    app = create_app(settings, container)
    identity = app.state.identity
    seed_demo_passwords(uow(), identity.hasher)
    secret = new_client_secret()
    create_client(
        uow(),
        client_id="bench-sd",
        institution_code="SD-WASSERAMT",
        auth_method=ClientAuthMethod.CLIENT_SECRET_BASIC,
        now=datetime.now(UTC),
        secret=secret,
        secret_hash=hash_client_secret(secret),
    )
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        token = client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("bench-sd", secret)
        ).json()["access_token"]
        browser = TestClient(app, base_url="http://127.0.0.1:8000")
        form = browser.get("/anmelden").text
        csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
        browser.post("/anmelden", data={"username": "demo-sd", "password": DEMO_PASSWORD, "csrf_token": csrf})
        results = {
            "api_live": _median_ms(lambda: client.get("/health/live")),
            "list_dev_header": _median_ms(
                lambda: client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-sd"})
            ),
            "list_bearer": _median_ms(
                lambda: client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
            ),
            "list_session": _median_ms(lambda: browser.get("/api/v1/cases")),
            "token_issue": _median_ms(
                lambda: client.post(
                    "/oauth/token", data={"grant_type": "client_credentials"}, auth=("bench-sd", secret)
                )
            ),
        }
    hasher, stored = Argon2PasswordHasher(), Argon2PasswordHasher().hash(DEMO_PASSWORD)
    results["argon2id_verify"] = _median_ms(lambda: hasher.verify(stored, DEMO_PASSWORD))
    engine.dispose()
    base = results["api_live"]
    print(f"backend: {'postgresql' if args.backend else 'sqlite'}")
    for name, value in results.items():
        print(f"{name:18} {value / base:6.2f}×")


if __name__ == "__main__":
    main()
