"""Batch import of 10,000 Sozialdienst records against a raw insert of the same rows.

import        `import_file` on a fresh database: batches of one transaction; the records of persons
              the institution cannot know yet are matched with two statements per batch and written
              together (one executemany per table), any other record in its own savepoint with person
              match (AHVN13, then name + birth date), case, dossier and audit event
reimport      the same file again: every record unchanged, nothing written
raw_insert    the rows the import leaves behind (persons with sealed Stammdaten and blind indexes,
              data keys, cases, participants, the figures' case rows, dossiers, audit events, outbox
              events), inserted with executemany in one transaction, no ORM

Run: `.venv/bin/python -m bench.import_records [--backend URL] [--records N]`.
Reports ratios measured in one run, so machine noise cancels out.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.dossier_models import DossierRow
from app.adapters.db.engine import make_engine
from app.adapters.db.figure_models import FigureCaseRow
from app.adapters.db.models import (
    AuditEventRow,
    CaseRow,
    InstitutionRow,
    ParticipationRow,
    PersonRow,
)
from app.adapters.events.models import OutboxEventRow
from app.adapters.institutions import FORMATS
from app.bootstrap import build_container
from app.domain.exchange import DossierRecord, ImportLimits
from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.services.context import RequestContext
from app.services.dossier_import import ImportOptions, RecordOutcome, import_file
from app.settings import Environment, Settings
from tests.databases import DatabaseFactory
from tests.integration.exchange.helpers import sozialdienst_file

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _fresh(databases: DatabaseFactory) -> tuple[Settings, Institution]:
    settings = Settings(environment=Environment.TEST, database_url=databases.migrated())
    institution = Institution(InstitutionKind.SOZIALDIENST, "SD-BENCH", "Sozialdienst Benchmark")
    container = build_container(settings)
    with container.uow_factory() as uow:
        uow.institutions.add(institution)
    container.engine.dispose()
    return settings, institution


def timed_import(
    settings: Settings, institution: Institution, payload: bytes, records: int
) -> tuple[float, float]:
    container = build_container(settings)
    gc.collect()
    gc.freeze()  # as `cockpit import` and `cockpit serve` do once built (bootstrap.freeze_startup_objects)
    principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "bench", institution.id)
    ctx = RequestContext(principal, "bench", NOW)
    options = ImportOptions(limits=ImportLimits(max_bytes=50_000_000, max_records=records))
    fmt = FORMATS[InstitutionKind.SOZIALDIENST]
    timings = []
    for expected in (RecordOutcome.CREATED, RecordOutcome.UNCHANGED):
        start = time.perf_counter()
        report = import_file(container.uow_factory(), ctx, fmt, payload, options)
        timings.append(time.perf_counter() - start)
        assert report.count(expected) == records, report.summary()
    container.engine.dispose()
    return timings[0], timings[1]


def timed_raw_insert(settings: Settings, institution: Institution, payload: bytes) -> float:
    """The same rows the import writes, prepared in memory, then inserted in one transaction."""
    parsed = FORMATS[InstitutionKind.SOZIALDIENST].parse(payload, ImportLimits(50_000_000, 10**6))
    now = datetime.now(UTC)
    persons, keys, cases, participants, dossiers, audits, events = [], [], [], [], [], [], []
    figures = []
    for record in parsed:
        assert isinstance(record, DossierRecord)
        person_id, case_id = uuid.uuid4(), uuid.uuid4()
        persons.append(_person(record, person_id, institution.id, now))
        keys.append(
            {
                "id": uuid.uuid4(),
                "person_id": person_id,
                "kek_id": "bench",
                "wrapped": os.urandom(40),
                "created_at": now,
                "destroyed_at": None,
            }
        )
        cases.append(_case(record, case_id, person_id, institution.id, now))
        figures.append(
            {
                "case_id": case_id,
                "region_institution_id": institution.id,
                "opened_on": record.registered_on,
                "reassessment_interval_months": 6,
                "preventive": False,
            }
        )
        participants.append(
            {
                "id": uuid.uuid4(),
                "case_id": case_id,
                "institution_id": institution.id,
                "local_reference": record.local_reference,
                "joined_on": record.registered_on,
                "left_on": None,
            }
        )
        dossiers.append(
            {
                "id": uuid.uuid4(),
                "case_id": case_id,
                "institution_id": institution.id,
                "kind": "sozialdienst",
                "category": "sozialhilfe",
                "local_reference": record.local_reference,
                "registered_on": record.registered_on,
                # facts sealed like the Stammdaten: ciphertext of a similar size stands in
                "sealed_facts": os.urandom(len(json.dumps(record.facts)) + 45),
                "updated_at": now,
                "version": 1,
            }
        )
        audits.append(_audit(case_id, person_id, institution.id, now))
        events.append(
            {
                "id": uuid.uuid4(),
                "type": "case.created",
                "case_id": case_id,
                "source_institution_id": institution.id,
                "categories": ["fallfuehrung", "sozialhilfe", "stammdaten"],
                "occurred_at": now,
                "dedupe_key": None,
            }
        )
    engine = make_engine(settings.database_url)
    start = time.perf_counter()
    with engine.begin() as connection:
        for table, rows in (
            (PersonRow, persons),
            (DataKeyRow, keys),
            (CaseRow, cases),
            (ParticipationRow, participants),
            (FigureCaseRow, figures),
            (DossierRow, dossiers),
            (AuditEventRow, audits),
            (OutboxEventRow, events),
        ):
            connection.execute(insert(table.__table__), rows)
    elapsed = time.perf_counter() - start
    with engine.connect() as connection:
        assert len(connection.execute(select(PersonRow.id)).all()) == len(persons)
        assert connection.execute(select(InstitutionRow.id)).first() is not None
    engine.dispose()
    return elapsed


def _person(
    record: DossierRecord, person_id: uuid.UUID, institution_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    # Stammdaten sealed (the import encrypts them; here ciphertext of a similar size stands in) and
    # the two blind indexes.
    data = json.dumps(
        {
            "ahvn13": record.person.ahvn13.digits,
            "family_name": record.person.family_name,
            "given_name": record.person.given_name,
            "birth_date": record.person.birth_date.isoformat(),
        }
    ).encode()
    return {
        "id": person_id,
        "registered_by_institution_id": institution_id,
        "sealed_data": os.urandom(len(data) + 45),
        "ahvn13_index": os.urandom(32),
        "name_index": os.urandom(32),
        "index_version": 1,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _case(
    record: DossierRecord, case_id: uuid.UUID, person_id: uuid.UUID, institution_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    return {
        "id": case_id,
        "person_id": person_id,
        "phase": "intake",
        "lead_institution_id": institution_id,
        "contact_person_user_id": None,
        "opened_on": record.registered_on,
        "reassessment_interval_months": 6,
        "current_segment": None,
        "reassessment_due_on": None,
        "case_ends_on": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _audit(
    case_id: uuid.UUID, person_id: uuid.UUID, institution_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "occurred_at": now,
        "actor_id": uuid.uuid4(),
        "actor_kind": "system",
        "actor_name": "bench",
        "institution_id": institution_id,
        "roles": [],
        "action": "create",
        "operation": "import.sozialdienst",
        "outcome": "allowed",
        "reason": "bench",
        "correlation_id": "bench",
        "case_id": case_id,
        "person_id": person_id,
        "categories": ["fallfuehrung", "sozialhilfe", "stammdaten"],
        "withheld_categories": [],
        "bases": ["own"],
        "purpose": "Fallführung",
        "recipient_institution_id": None,
        "record_ids": [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="sqlite", help="sqlite or a PostgreSQL URL")
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    payload = sozialdienst_file(args.records, office="SD-BENCH")
    with tempfile.TemporaryDirectory() as workdir:
        databases = DatabaseFactory(Path(workdir), args.backend)
        try:
            imported, reimported = timed_import(*_fresh(databases), payload, args.records)
            raw = timed_raw_insert(*_fresh(databases), payload)
        finally:
            databases.drop_all()
    print(f"database: {'postgresql' if databases.postgres else 'sqlite'}, records: {args.records}")
    for name, seconds in (("raw_insert", raw), ("import", imported), ("reimport", reimported)):
        print(
            f"{name:11s} {seconds:8.2f} s   {seconds / raw:7.1f}× raw_insert"
            f"   {args.records / seconds:8.0f} records/s"
        )


if __name__ == "__main__":
    main()
