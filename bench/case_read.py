"""Where the time of a protected case read goes: raw rows, repository, use case, HTTP request.

raw_rows      the four SELECTs of the case's rows, no ORM
repository    the same through the repositories (ORM, mapping into the domain)
service_read  principal lookup + get_case (policy, view, audit event, commit) + JSON of the response
api_live      GET /health/live through the test client: the HTTP and thread hand-off floor
api_read      GET /api/v1/cases/{id} through the test client, end to end

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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.adapters.db.models import CaseItemRow, CaseRow, ParticipationRow, PersonRow
from app.bootstrap import Container, build_container
from app.demo.seed import seed_demo
from app.domain.users import User
from app.entrypoints.api.app import create_app
from app.entrypoints.api.deps import DEV_USER_HEADER
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services.cases import get_case
from app.services.context import RequestContext
from app.settings import Environment, Settings
from tests.databases import DatabaseFactory

T = TypeVar("T")


def timed(action: Callable[[], object], rounds: int) -> float:
    """Median seconds per call over `rounds` calls, after a warm-up."""
    for _ in range(20):
        action()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def richest_case(session: Session, institution_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """The demo case of the institution with the most recorded items, and its person."""
    query = (
        select(CaseRow.id, CaseRow.person_id)
        .join(ParticipationRow, ParticipationRow.case_id == CaseRow.id)
        .join(CaseItemRow, CaseItemRow.case_id == CaseRow.id)
        .where(ParticipationRow.institution_id == institution_id)
        .group_by(CaseRow.id, CaseRow.person_id)
        .order_by(func.count(CaseItemRow.id).desc())
        .limit(1)
    )
    case_id, person_id = session.execute(query).one()
    return case_id, person_id


@dataclass(frozen=True)
class DemoRead:
    """A container on a freshly seeded demo database, a demo user and the richest case of its
    institution: what the read benchmarks measure."""

    settings: Settings
    container: Container
    user: User
    case_id: uuid.UUID
    person_id: uuid.UUID


def demo_read(database_url: str, username: str) -> DemoRead:
    settings = Settings(environment=Environment.TEST, database_url=database_url)
    container = build_container(settings)
    seed_demo(container.uow_factory, datetime.now(UTC))
    with container.uow_factory() as uow:
        user = uow.users.by_username(username)
        assert user is not None
    with Session(container.engine) as session:
        case_id, person_id = richest_case(session, user.institution_id)
    return DemoRead(settings, container, user, case_id, person_id)


def run(database_url: str, rounds: int) -> dict[str, float]:
    demo = demo_read(database_url, "demo-lead")
    settings, container, case_id, person_id = demo.settings, demo.container, demo.case_id, demo.person_id

    def raw_rows() -> None:
        with container.engine.connect() as connection:
            connection.execute(select(CaseRow.__table__).where(CaseRow.id == case_id)).all()
            participants = ParticipationRow.__table__
            connection.execute(select(participants).where(participants.c.case_id == case_id)).all()
            connection.execute(select(CaseItemRow.__table__).where(CaseItemRow.case_id == case_id)).all()
            connection.execute(select(PersonRow.__table__).where(PersonRow.id == person_id)).all()

    def repository() -> None:
        with container.uow_factory() as uow:
            uow.cases.get(case_id)
            uow.persons.get(person_id)

    def service_read() -> None:
        """What a request does without HTTP: find the principal, read through the policy, serialise."""
        with container.uow_factory() as uow:
            found = uow.users.by_username("demo-lead")
        assert found is not None
        ctx = RequestContext(found.as_principal(), "bench", datetime.now(UTC))
        view = get_case(container.uow_factory(), ctx, case_id)
        CaseOut.of(view, ctx.today).model_dump_json(exclude_unset=True)

    client = TestClient(create_app(settings, container))
    headers = {DEV_USER_HEADER: "demo-lead"}

    def api_live() -> None:
        assert client.get("/health/live").status_code == 200

    def api_read() -> None:
        assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 200

    results = {
        "raw_rows": timed(raw_rows, rounds),
        "repository": timed(repository, rounds),
        "service_read": timed(service_read, rounds),
        "api_live": timed(api_live, rounds),
        "api_read": timed(api_read, rounds),
    }
    container.engine.dispose()
    return results


@dataclass(frozen=True)
class Measured(Generic[T]):
    results: T
    database: str  # sqlite or postgresql
    rounds: int


def measure_from_command_line(description: str, run: Callable[[str, int], T]) -> Measured[T]:
    """`--backend` and `--rounds` from the command line; `run` gets a throw-away migrated database's
    URL and the rounds."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--backend", default="sqlite", help="sqlite or a PostgreSQL URL (throw-away DB beside it)"
    )
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        databases = DatabaseFactory(Path(workdir), args.backend)
        try:
            results = run(databases.migrated(), args.rounds)
        finally:
            databases.drop_all()
    return Measured(results, "postgresql" if databases.postgres else "sqlite", args.rounds)


def main() -> None:
    measured = measure_from_command_line(__doc__ or "", run)
    results = measured.results
    base = results["raw_rows"]
    print(f"database: {measured.database}, rounds: {measured.rounds}, median")
    for name, seconds in results.items():
        print(f"{name:12s} {seconds * 1000:8.3f} ms   {seconds / base:6.2f}× raw_rows")


if __name__ == "__main__":
    main()
