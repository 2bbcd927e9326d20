"""Where the time of a protected case read goes: raw rows vs repository vs the full API request.

Run: `make bench` (or `.venv/bin/python -m bench.case_read [--database-url URL]`).
Reports ratios measured in one run, so machine noise cancels out.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.demo.seed import seed_demo
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.adapters.db.models import CaseItemRow, CaseRow, ParticipationRow, PersonRow
from app.api.deps import DEV_USER_HEADER
from app.main import build_container, create_app
from app.services.ports import CaseFilter
from app.settings import Settings
from tests.databases import DatabaseFactory


def _timed(action: Callable[[], object], rounds: int) -> float:
    """Median seconds per call over `rounds` calls, after a warm-up."""
    for _ in range(20):
        action()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(database_url: str, rounds: int) -> dict[str, float]:
    settings = Settings(environment="test", database_url=database_url)
    container = build_container(settings)
    seed_demo(container.uow_factory, datetime.now(UTC))
    with container.uow_factory() as uow:
        user = uow.users.by_username("demo-sd")
        assert user is not None
        page = uow.cases.page_for_institution(
            user.institution_id,
            __import__("app.services.ports", fromlist=["CaseFilter"]).CaseFilter(),
            None,
            1,
        )
        case_id: uuid.UUID = page.items[0].id

    session_factory = container.engine

    def raw_rows() -> None:
        with session_factory.connect() as connection:
            connection.execute(select(CaseRow.__table__).where(CaseRow.id == case_id)).all()
            connection.execute(
                select(ParticipationRow.__table__).where(ParticipationRow.case_id == case_id)
            ).all()
            connection.execute(select(CaseItemRow.__table__).where(CaseItemRow.case_id == case_id)).all()
            connection.execute(
                select(PersonRow.__table__).where(PersonRow.id == page.items[0].person_id)
            ).all()

    def repository() -> None:
        with container.uow_factory() as uow:
            uow.cases.get(case_id)
            uow.persons.get(page.items[0].person_id)

    client = TestClient(create_app(settings, container))
    headers = {DEV_USER_HEADER: "demo-sd"}

    def api_read() -> None:
        response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
        assert response.status_code == 200

    results = {
        "raw_rows": _timed(raw_rows, rounds),
        "repository": _timed(repository, rounds),
        "api_read": _timed(api_read, rounds),
    }
    container.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="sqlite", help="sqlite oder eine PostgreSQL-URL (Wegwerf-DB daneben)")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        databases = DatabaseFactory(Path(workdir), args.backend)
        try:
            results = run(databases.migrated(), args.rounds)
        finally:
            databases.drop_all()
    base = results["raw_rows"]
    print(f"Datenbank: {'postgresql' if databases.postgres else 'sqlite'}  Runden: {args.rounds}")
    for name, seconds in results.items():
        print(f"{name:12s} {seconds * 1000:8.3f} ms   {seconds / base:6.2f}× raw_rows")


if __name__ == "__main__":
    main()
