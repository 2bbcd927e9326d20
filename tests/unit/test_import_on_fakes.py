"""The import's two shortcuts on the fakes of our ports: records of new persons written together, and
records that change nothing answered for the whole batch (the SQL adapters are compared row by row in
tests/integration/exchange/test_import_together.py)."""

from __future__ import annotations

from app.adapters.institutions import FORMATS
from app.domain.institutions import Institution, InstitutionKind
from app.services.dossier_import import ImportOptions, ImportReport, RecordOutcome, import_file
from tests.integration.exchange.helpers import SOZIALDIENST_HEADER, sozialdienst_file, system_context
from tests.unit.fakes import FakeUnitOfWork, Store

SOZIALDIENST = Institution(InstitutionKind.SOZIALDIENST, "SD-WASSERAMT", "Sozialregion Wasseramt")


def _store() -> Store:
    store = Store()
    with FakeUnitOfWork(store) as uow:
        uow.institutions.add(SOZIALDIENST)
    return store


def _import(store: Store, payload: bytes) -> ImportReport:
    fmt = FORMATS[InstitutionKind.SOZIALDIENST]
    return import_file(FakeUnitOfWork(store), system_context(SOZIALDIENST), fmt, payload, ImportOptions())


def test_a_file_imported_again_changes_nothing_and_a_changed_status_is_written() -> None:
    store = _store()
    payload = sozialdienst_file(3, 10)
    first = _import(store, payload)
    again = _import(store, payload)
    changed = _import(store, payload.replace(b";laufend\r\n", b";sistiert\r\n", 1))

    assert [r.outcome for r in first.results] == [RecordOutcome.CREATED] * 3
    assert [r.outcome for r in again.results] == [RecordOutcome.UNCHANGED] * 3
    assert [(r.person_id, r.case_id) for r in again.results] == [
        (r.person_id, r.case_id) for r in first.results
    ]
    assert [r.outcome for r in changed.results] == [RecordOutcome.CHANGED] + [RecordOutcome.UNCHANGED] * 2
    assert len(store.persons) == 3


def test_a_refused_new_person_leaves_nothing_and_the_others_are_created() -> None:
    store = _store()
    lines = sozialdienst_file(3, 20).decode().splitlines()[1:]
    cells = lines[1].split(";")
    cells[4] = "01.01.2099"
    report = _import(
        store, (SOZIALDIENST_HEADER + "\r\n".join([lines[0], ";".join(cells), lines[2]]) + "\r\n").encode()
    )

    assert [r.outcome for r in report.results] == [
        RecordOutcome.CREATED,
        RecordOutcome.ERROR,
        RecordOutcome.CREATED,
    ]
    assert len(store.persons) == len(store.cases) == 2
