"""Steering figures over a synthetic canton (goal: 100,000 cases under 10 s on PostgreSQL).

generate     `cockpit demo figures` logic: synthesise N cases and write them in bulk (once)
count_star   `SELECT count(*)` over the same rows the figures read (the period's relevant cases)
load         the figures' one query: a row per case, segment history and measures aggregated in SQL
compute      every indicator with small-cell protection, Kaplan–Meier, in Python
service      the use case end to end: permission, load, compute, audit event, commit

Run: `.venv/bin/python -m bench.figures --backend postgresql+psycopg://postgres@127.0.0.1:5432/test
[--cases 100000]` (a throw-away database next to the given one), or `--database URL` to reuse a
database that `cockpit demo figures` already filled. Medians of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.figure_models import FigureCaseRow
from app.adapters.db.figures_bulk import insert_synthetic_cases, institution_ids, set_introductions
from app.adapters.db.figures_queries import SqlFigureStore
from app.adapters.db.models import InstitutionRow
from app.adapters.unit_of_work import SqlUnitOfWork
from app.demo.directory import INSTITUTIONS, IV_SO, RAV_SOLOTHURN, stable_id
from app.domain.figures.records import FigureQuery
from app.domain.figures.report import build_report
from app.domain.figures.synthetic import REGIONS, synthetic_canton
from app.domain.principal import Principal, PrincipalKind, Role
from app.services.context import RequestContext
from app.services.figures import figure_report
from tests.databases import DatabaseFactory

TODAY = date(2027, 11, 30)
QUERY = FigureQuery(date(2026, 12, 1), TODAY)


def _generate(url: str, cases: int) -> float:
    started = time.perf_counter()
    generated = synthetic_canton(cases, TODAY)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        codes = [*REGIONS, RAV_SOLOTHURN, IV_SO]
        for kind, code, name in INSTITUTIONS:
            if code in codes:
                session.add(
                    InstitutionRow(id=stable_id("institution", code), kind=kind.value, code=code, name=name)
                )
        session.flush()
        ids = institution_ids(session, codes)
        set_introductions(session, {ids[c]: d for c, (_, d) in REGIONS.items()})
        insert_synthetic_cases(
            session, generated, {c: ids[c] for c in REGIONS}, ids[RAV_SOLOTHURN], ids[IV_SO]
        )
    engine.dispose()
    return time.perf_counter() - started


def _median(step: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the machine is shared: the CPU time
    says what the step costs here, the wall time adds the wait for a core and for the database)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _server_cpu(session: Session) -> float:
    """CPU seconds the PostgreSQL backend of this session has used (local server, /proc); 0 elsewhere."""
    if session.connection().dialect.name != "postgresql":
        return 0.0
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, repeat: int) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    relevant = (FigureCaseRow.opened_on <= QUERY.period_end) & or_(
        FigureCaseRow.closed_on.is_(None),
        FigureCaseRow.closed_on >= QUERY.period_start,
        FigureCaseRow.follow_up_completed_on >= QUERY.period_start,
    )

    def count_star() -> int:
        with sessions() as session:
            return int(session.scalar(select(func.count()).select_from(FigureCaseRow).where(relevant)) or 0)

    def load() -> list[object]:
        with sessions() as session:
            return SqlFigureStore(session).cases(QUERY.period_start, QUERY.period_end)  # type: ignore[return-value]

    with sessions() as session:
        server = _server_cpu(session)
        loaded = SqlFigureStore(session).cases(QUERY.period_start, QUERY.period_end)
        server_load_cpu = _server_cpu(session) - server
    now = datetime.now(UTC)
    steering = Principal(
        uuid.uuid4(), PrincipalKind.USER, "bench-ags", uuid.uuid4(), frozenset({Role.STEERING})
    )
    vault = Vault(LocalKeyring.in_memory())

    def service() -> object:
        uow = SqlUnitOfWork(sessions, vault=vault)
        return figure_report(uow, RequestContext(steering, "bench-figures", datetime.now(UTC)), QUERY, 5)  # type: ignore[arg-type]

    results = {
        "rows": (float(count_star()), 0.0),
        "count_star": _median(count_star, repeat),
        "load": _median(load, repeat),
        "compute": _median(lambda: build_report(loaded, QUERY, 5, now), repeat),
        "service": _median(service, repeat),
        "server_load_cpu": (server_load_cpu, server_load_cpu),
    }
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--backend", default="sqlite", help="sqlite or a PostgreSQL URL (throw-away database)"
    )
    parser.add_argument("--database", default="", help="reuse this database, already filled by demo figures")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        databases = DatabaseFactory(Path(workdir), args.backend)
        try:
            url = args.database
            if not url:
                url = databases.migrated()
                print(f"generate   {_generate(url, args.cases):8.2f} s  ({args.cases} cases, bulk)")
            results = measure(url, args.repeat)
        finally:
            databases.drop_all()
    base = results["count_star"][0]
    print(f"rows       {int(results['rows'][0]):8d}  (relevant to {QUERY.period_start}–{QUERY.period_end})")
    print(f"{'step':10} {'wall':>9}  {'× count(*)':>10}  {'CPU here':>9}")
    for step in ("count_star", "load", "compute", "service"):
        wall, cpu = results[step]
        print(f"{step:10} {wall:8.3f}s  {wall / base:9.1f}×  {cpu:8.3f}s")
    print(f"PostgreSQL backend CPU for one load: {results['server_load_cpu'][0]:.3f}s")


if __name__ == "__main__":
    main()
