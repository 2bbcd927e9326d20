"""The import runs a known number of statements per record: counted here, so a regression shows as a
number. Measured as the difference between files of 10 and 20 records, which leaves out what an
import runs once (the institution, the index keys)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert, text, update

from app.adapters.db.models import ParticipationRow
from app.domain.ahvn13 import Ahvn13
from app.services.dossier_import import BATCH_SIZE, RecordOutcome
from app.services.ports import UnitOfWork
from tests.databases import is_postgres
from tests.integration.exchange.helpers import Systems, add_systems, run_import, sozialdienst_file
from tests.statements import Statements, counted

# A record of a person the institution cannot know yet costs no statement of its own: the batch
# looks its persons up with two statements and writes the rows of all such records together, one
# statement per table (person, data key, case, participant, figures row, dossier, audit and change
# event), whatever the number of records.
NEW_RECORD = 0
BATCH_OF_NEW_RECORDS = 30
# An unchanged record costs no statement of its own either: the batch reads the registrations, open
# cases, data keys and dossiers of all its known clients together (four statements), compares, and
# writes nothing.
UNCHANGED_RECORD = 0
BATCH_OF_UNCHANGED_RECORDS = 15


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
    ten, twenty = sozialdienst_file(10, 0), sozialdienst_file(20, 100)
    created_ten = _import(uow_factory, engine, systems, ten, RecordOutcome.CREATED)
    created_twenty = _import(uow_factory, engine, systems, twenty, RecordOutcome.CREATED)
    unchanged_ten = _import(uow_factory, engine, systems, ten, RecordOutcome.UNCHANGED)
    unchanged_twenty = _import(uow_factory, engine, systems, twenty, RecordOutcome.UNCHANGED)

    per_new = (len(created_twenty) - len(created_ten)) / 10
    per_unchanged = (len(unchanged_twenty) - len(unchanged_ten)) / 10
    assert per_new <= NEW_RECORD, created_twenty
    assert len(created_twenty) <= BATCH_OF_NEW_RECORDS, created_twenty
    assert per_unchanged <= UNCHANGED_RECORD, unchanged_twenty
    assert len(unchanged_twenty) <= BATCH_OF_UNCHANGED_RECORDS, unchanged_twenty
    assert not unchanged_twenty.writes


def _analyzed(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(
            connection.execute(
                text(
                    "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL "
                    "AND relname IN ('persons', 'cases', 'case_participants')"
                )
            ).scalars()
        )


@pytest.mark.skipif(not is_postgres(), reason="Planerstatistik gibt es nur in PostgreSQL")
def test_an_import_of_several_batches_refreshes_the_planner_statistics_after_its_first(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    # Without it, tables a first import fills from empty look empty to the planner, and every lookup
    # of the rest of the import reads them whole (seen as 0.7 ms instead of 0.05 ms per lookup).
    # A file of one batch gains nothing from it and leaves the statistics to autovacuum.
    systems = add_systems(uow_factory)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_reset()"))  # the test database's role may
    _import(uow_factory, engine, systems, sozialdienst_file(3, 500), RecordOutcome.CREATED)
    assert _analyzed(engine) == []
    _import(uow_factory, engine, systems, sozialdienst_file(BATCH_SIZE + 1, 1000), RecordOutcome.CREATED)
    assert _analyzed(engine) == ["case_participants", "cases", "persons"]


def test_the_same_ahvn13_twice_in_one_batch_is_one_person_one_case_one_dossier(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    # The second record must find what the first created in the same transaction: the skipped
    # lookups (case of a person just registered, dossier of a case just opened) are per record.
    systems = add_systems(uow_factory)
    first = sozialdienst_file(1, 700).decode()
    second = first.splitlines()[1].replace("SD-000700", "SD-000701")
    report = run_import(uow_factory, systems.sozialdienst, (first + second + "\r\n").encode())
    assert [r.outcome for r in report.results] == [RecordOutcome.CREATED, RecordOutcome.CHANGED]
    assert report.results[0].person_id == report.results[1].person_id
    assert report.results[0].case_id == report.results[1].case_id
    with engine.connect() as connection:
        counts = [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("persons", "cases", "institution_dossiers")
        ]
    assert counts == [1, 1, 1]


def test_registrations_related_to_an_institution_leave_out_cases_it_has_left(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    payload = sozialdienst_file(1, 800)
    created = run_import(uow_factory, systems.sozialdienst, payload).results[0]
    line = payload.decode().splitlines()[1].split(";")
    ahvn13 = Ahvn13.parse(line[1])
    family, given, born = line[2], line[3], datetime.strptime(line[4], "%d.%m.%Y").date()

    def related() -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        with uow_factory() as uow:
            by_number = uow.persons.registrations_related_to(ahvn13, systems.rav.id)
            by_name = uow.persons.name_twins_related_to(family, given, born, systems.rav.id)
            return [p.id for p in by_number], [p.id for p in by_name]

    assert related() == ([], [])  # the RAV takes no part yet
    with engine.begin() as connection:
        connection.execute(
            insert(ParticipationRow).values(
                id=uuid.uuid4(),
                case_id=created.case_id,
                institution_id=systems.rav.id,
                local_reference="RAV-1",
                joined_on=date(2026, 1, 5),
            )
        )
    assert related() == ([created.person_id], [created.person_id])
    with engine.begin() as connection:
        connection.execute(
            update(ParticipationRow)
            .where(ParticipationRow.institution_id == systems.rav.id)
            .values(left_on=date(2026, 6, 30))
        )
    assert related() == ([], [])
