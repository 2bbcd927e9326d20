"""The import runs a known number of statements per record: counted here, so a regression shows as a
number. Measured as the difference between files of 10 and 20 records, which leaves out what an
import runs once (the institution, the index keys)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text

from app.domain.ahvn13 import ean13_check_digit
from app.services.dossier_import import RecordOutcome
from app.services.ports import UnitOfWork
from tests.databases import is_postgres
from tests.integration.exchange.helpers import Systems, add_systems, run_import
from tests.statements import Statements, counted

HEADER = (
    "Dossiernummer;AHV-Nummer;Name;Vorname;Geburtsdatum;Eröffnet am;Sozialdienst;Unterstützungsstatus\r\n"
)
# A new record: two person lookups (AHVN13, name + birth date), then person, data key, case,
# participant, figures row, dossier and audit event (the served process's outbox adds the change event).
NEW_RECORD = 9
# An unchanged record: the person, its data key and who takes part in its cases, the open case with
# its items and invitations, the dossier; nothing written.
UNCHANGED_RECORD = 9


def _file(first: int, count: int) -> bytes:
    lines = [HEADER]
    for i in range(first, first + count):
        twelve = f"756{i:09d}"
        born = date(1960, 1, 1) + timedelta(days=i)
        lines.append(
            f"SD-{i:06d};{twelve}{ean13_check_digit(twelve)};Name{i};Vorname{i};{born:%d.%m.%Y};"
            "05.01.2026;SD-WASSERAMT;laufend\r\n"
        )
    return "".join(lines).encode()


def _import(
    uow_factory: Callable[[], UnitOfWork],
    engine: Engine,
    systems: Systems,
    payload: bytes,
    outcome: RecordOutcome,
) -> Statements:
    with counted(engine) as statements:
        report = run_import(uow_factory, systems.sozialdienst, payload)
    assert report.count(outcome) == len(report.results), report.summary()
    return statements


def test_statements_per_new_and_per_unchanged_record(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    ten, twenty = _file(0, 10), _file(100, 20)
    created_ten = _import(uow_factory, engine, systems, ten, RecordOutcome.CREATED)
    created_twenty = _import(uow_factory, engine, systems, twenty, RecordOutcome.CREATED)
    unchanged_ten = _import(uow_factory, engine, systems, ten, RecordOutcome.UNCHANGED)
    unchanged_twenty = _import(uow_factory, engine, systems, twenty, RecordOutcome.UNCHANGED)

    per_new = (len(created_twenty) - len(created_ten)) / 10
    per_unchanged = (len(unchanged_twenty) - len(unchanged_ten)) / 10
    assert per_new <= NEW_RECORD, created_twenty[-NEW_RECORD * 2 :]
    assert per_unchanged <= UNCHANGED_RECORD, unchanged_twenty[-UNCHANGED_RECORD * 2 :]
    assert not unchanged_twenty.writes


@pytest.mark.skipif(not is_postgres(), reason="Planerstatistik gibt es nur in PostgreSQL")
def test_an_import_refreshes_the_planner_statistics_of_the_tables_it_fills(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    # Without it, tables a first import fills from empty look empty to the planner, and every lookup
    # of the rest of the import reads them whole (seen as 0.7 ms instead of 0.05 ms per lookup).
    systems = add_systems(uow_factory)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_reset()"))
    _import(uow_factory, engine, systems, _file(500, 3), RecordOutcome.CREATED)
    with engine.connect() as connection:
        analyzed = connection.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL "
                "AND relname IN ('persons', 'cases', 'case_participants')"
            )
        ).scalars()
        assert sorted(analyzed) == ["case_participants", "cases", "persons"]
