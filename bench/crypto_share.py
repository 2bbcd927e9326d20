"""Share of request CPU spent in cryptography on a protected case read.

Two measures of `GET /api/v1/cases/{id}` (demo-lead, the Wasseramt supervisor, reading the richest
case of its institution; demo-sd is not assigned to it since case assignments exist):

profile    cProfile over many reads of the use case (principal lookup, `get_case`, JSON; no HTTP,
           since the test client serves requests on another thread the profiler does not see):
           own time of every function in app/adapters/crypto, the `cryptography` package, hmac and
           hashlib, divided by the own time of all functions (a conservative share: no HTTP cost)
direct     CPU time of exactly the crypto a read does (load the data key, open the person and
           every item of the case), divided by the CPU time of the whole request, both measured
           with time.process_time in the same run

Both with the data-key cache warm (steady state) and with it off (every request unwraps the
person's data key through the key provider). Goal: ≤ 5 %.

Run: `make bench` (or `.venv/bin/python -m bench.crypto_share [--backend URL]`).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.crypto.vault import Vault
from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseItemRow, PersonRow
from app.adapters.db.sealing import item_place, person_place
from app.adapters.unit_of_work import SqlUnitOfWork
from app.entrypoints.api.app import create_app
from app.entrypoints.api.deps import DEV_USER_HEADER
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services.cases import get_case
from app.services.context import RequestContext
from bench.case_read import demo_read, measure_from_command_line

HEADERS = {DEV_USER_HEADER: "demo-lead"}
CRYPTO_FILES = ("app/adapters/crypto/", "/cryptography/", "/hmac.py", "hashlib", "_hashlib", "openssl")


def _cpu(action: Callable[[], object], rounds: int) -> float:
    """Median CPU seconds per call after a warm-up."""
    for _ in range(20):
        action()
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def _profile_share(action: Callable[[], object], rounds: int) -> float:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        action()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = crypto = 0.0
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.items():
        total += own
        where = f"{filename}:{name}".lower()
        if any(marker in where for marker in CRYPTO_FILES):
            crypto += own
    return crypto / total


def run(database_url: str, rounds: int) -> dict[str, float]:
    demo = demo_read(database_url, "demo-lead")
    settings, container, case_id, person_id = demo.settings, demo.container, demo.case_id, demo.person_id
    with Session(container.engine) as session:
        person_row = session.get(PersonRow, person_id)
        items = list(session.scalars(select(CaseItemRow).where(CaseItemRow.case_id == case_id)))
        key_row = session.scalar(select(DataKeyRow).where(DataKeyRow.person_id == person_id))
    assert person_row is not None and key_row is not None and key_row.wrapped is not None
    vault = container.vault
    assert vault is not None
    session_factory = make_session_factory(container.engine)
    results: dict[str, float] = {"items": float(len(items))}

    for label, read_vault in (("warm", vault), ("cold", Vault(vault.provider, cache_size=0))):
        container.uow_factory = lambda v=read_vault: SqlUnitOfWork(session_factory, vault=v)  # type: ignore[misc]
        client = TestClient(create_app(settings, container))

        def api_read(client: TestClient = client) -> None:
            assert client.get(f"/api/v1/cases/{case_id}", headers=HEADERS).status_code == 200

        def service_read(read_vault: Vault = read_vault) -> None:
            with container.uow_factory() as uow:
                found = uow.users.by_username("demo-lead")
            assert found is not None
            ctx = RequestContext(found.as_principal(), "bench", datetime.now(UTC))
            view = get_case(container.uow_factory(), ctx, case_id)
            CaseOut.of(view, ctx.today).model_dump_json(exclude_unset=True)

        def crypto_of_a_read(read_vault: Vault = read_vault) -> None:
            assert key_row is not None and key_row.wrapped is not None and person_row is not None
            key = read_vault.data_key(person_id, key_row.id, key_row.kek_id, key_row.wrapped)
            key.open(person_place(person_id), person_row.sealed_data)
            for item in items:
                key.open(item_place(item.id, person_id), item.sealed_content)

        request_cpu = _cpu(api_read, rounds)
        crypto_cpu = _cpu(crypto_of_a_read, rounds)
        results[f"{label}_request_ms"] = request_cpu * 1000
        results[f"{label}_crypto_ms"] = crypto_cpu * 1000
        results[f"{label}_direct_share"] = crypto_cpu / request_cpu
        results[f"{label}_profile_share"] = _profile_share(service_read, rounds)
    container.engine.dispose()
    return results


def main() -> None:
    measured = measure_from_command_line(__doc__ or "", run)
    results = measured.results
    print(
        f"database: {measured.database}, rounds: {measured.rounds}, "
        f"items opened per read: {int(results['items'])} + Stammdaten"
    )
    for label in ("warm", "cold"):
        request, crypto = results[f"{label}_request_ms"], results[f"{label}_crypto_ms"]
        direct, profile = results[f"{label}_direct_share"], results[f"{label}_profile_share"]
        print(f"{label}: request {request:.3f} ms CPU, crypto {crypto:.3f} ms", end=" ")
        print(f"→ direct {direct:.2%}, profile {profile:.2%}")


if __name__ == "__main__":
    main()
