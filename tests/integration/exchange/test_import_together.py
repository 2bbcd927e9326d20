"""Records of persons the importing institution cannot know yet are written together (one statement
per table and batch); every other record, and every record of a batch where writing together fails,
goes one by one. The results, rows and audit events are the same either way."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert, select, text, update

from app.adapters.crypto.vault import Vault
from app.adapters.db.dossiers import SqlDossierRepository
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.models import CaseRow, ParticipationRow
from app.adapters.db.repositories import SqlPersonRepository
from app.adapters.events.models import OutboxEventRow
from app.adapters.institutions import FORMATS
from app.adapters.sql_base import Base
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import outboxing_audit_recorder
from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Principal, PrincipalKind, Role
from app.services.context import RequestContext
from app.services.dossier_import import ImportOptions, ImportReport, RecordOutcome, RecordResult, import_file
from app.services.ports import UnitOfWork
from tests.databases import DatabaseFactory
from tests.integration.exchange.helpers import (
    FIXTURES,
    NOW,
    SOZIALDIENST_HEADER,
    Systems,
    add_systems,
    run_import,
    sozialdienst_file,
)
from tests.statements import counted

CREATED, CHANGED, UNCHANGED, ERROR = (
    RecordOutcome.CREATED,
    RecordOutcome.CHANGED,
    RecordOutcome.UNCHANGED,
    RecordOutcome.ERROR,
)


def _counts(engine: Engine, *tables: str) -> list[int]:
    with engine.connect() as connection:
        return [connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in tables]


def _lines(payload: bytes) -> list[str]:
    return payload.decode().splitlines()[1:]


def _file(*lines: str) -> bytes:
    return (SOZIALDIENST_HEADER + "".join(line + "\r\n" for line in lines)).encode()


@pytest.fixture
def claims_every_person_unknown(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if a simultaneous import registered the persons between the batch's lookup and its write."""
    monkeypatch.setattr(
        SqlPersonRepository, "unknown_to", lambda self, persons, institution_id: [True] * len(persons)
    )
    yield


def test_new_persons_known_persons_and_twins_in_one_file_answer_in_file_order(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    known = _lines(sozialdienst_file(2, 0))
    run_import(uow_factory, systems.sozialdienst, _file(*known))
    new = _lines(sozialdienst_file(3, 10))
    twin = new[0].replace("SD-000010", "SD-000019")  # the same AHVN13 again, another dossier number
    report = run_import(
        uow_factory, systems.sozialdienst, _file(new[0], known[0], new[1], twin, known[1], new[2])
    )

    assert [r.location for r in report.results] == [f"Zeile {n}" for n in range(2, 8)]
    assert [r.outcome for r in report.results] == [CREATED, UNCHANGED, CREATED, CHANGED, UNCHANGED, CREATED]
    assert report.results[0].person_id == report.results[3].person_id  # the twin went one by one
    assert _counts(engine, "persons", "cases", "institution_dossiers", "figure_cases") == [5, 5, 5, 5]
    # one audit event per record that changed anything, in both imports
    assert _counts(engine, "audit_events") == [2 + 4]


def test_records_written_together_announce_their_change_events_as_one_by_one_would(
    engine: Engine, vault: Vault
) -> None:
    sessions = make_session_factory(engine)

    def served() -> UnitOfWork:
        return SqlUnitOfWork(sessions, audit_factory=outboxing_audit_recorder, vault=vault)

    systems = add_systems(served)
    lines = _lines(sozialdienst_file(3, 20))
    run_import(served, systems.sozialdienst, _file(lines[0], lines[0].replace("SD-000020", "SD-000029")))
    together = run_import(served, systems.sozialdienst, _file(*lines[1:]))
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboxEventRow.type, OutboxEventRow.case_id).order_by(OutboxEventRow.seq)
        ).all()
    assert [t for t, _ in rows[:2]] == ["case.created", "case.changed"]  # the twin went one by one
    assert [tuple(row) for row in rows[2:]] == [("case.created", r.case_id) for r in together.results]


def test_a_batch_whose_rows_collide_with_a_simultaneous_registration_goes_one_by_one(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, claims_every_person_unknown: None
) -> None:
    systems = add_systems(uow_factory)
    payload = sozialdienst_file(6, 30)
    first = run_import(uow_factory, systems.sozialdienst, _file(*_lines(payload)[:3]))
    audit_before = _counts(engine, "audit_events")[0]

    report = run_import(uow_factory, systems.sozialdienst, payload)

    assert [r.outcome for r in report.results] == [UNCHANGED] * 3 + [CREATED] * 3
    assert [r.person_id for r in report.results[:3]] == [r.person_id for r in first.results]
    assert _counts(engine, "persons", "cases", "institution_dossiers", "data_keys") == [6, 6, 6, 6]
    assert _counts(engine, "audit_events")[0] - audit_before == 3  # the three created, nothing of the attempt


def test_a_record_the_domain_refuses_fails_alone_and_the_rest_of_its_batch_is_created(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    lines = _lines(sozialdienst_file(4, 40))
    cells = lines[2].split(";")
    cells[4] = "01.01.2099"  # a birth date in the future: the person cannot be registered
    with counted(engine) as statements:
        report = run_import(uow_factory, systems.sozialdienst, _file(*lines[:2], ";".join(cells), lines[3]))

    assert [r.outcome for r in report.results] == [CREATED, CREATED, ERROR, CREATED]
    # the three others were still written together: one insert of persons for all of them
    assert len([s for s in statements.writes if s.startswith("INSERT INTO persons")]) == 1
    assert report.results[2].message == "Das Geburtsdatum darf nicht in der Zukunft liegen."
    assert _counts(engine, "persons", "cases", "institution_dossiers") == [3, 3, 3]


def test_another_institutions_registrations_change_neither_the_answer_nor_the_statements(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    # Whether another Sozialregion registered the same clients must not show in what the importing
    # one gets back, nor in how much work its import does.
    systems = add_systems(uow_factory)
    other = Institution(InstitutionKind.SOZIALDIENST, "SD-THAL", "Sozialregion Thal")
    with uow_factory() as uow:
        uow.institutions.add(other)
    run_import(uow_factory, other, sozialdienst_file(5, 50, office="SD-THAL"))

    with counted(engine) as known_elsewhere:
        elsewhere = run_import(uow_factory, systems.sozialdienst, sozialdienst_file(5, 50))
    with counted(engine) as unknown_anywhere:
        nowhere = run_import(uow_factory, systems.sozialdienst, sozialdienst_file(5, 60))

    assert [r.outcome for r in elsewhere.results] == [r.outcome for r in nowhere.results] == [CREATED] * 5
    assert not any(r.candidate_person_ids for r in elsewhere.results)
    assert len(known_elsewhere) == len(unknown_anywhere)
    assert _counts(engine, "persons")[0] == 15  # one registration per institution


def test_a_name_twin_the_institution_knows_is_still_held_back_for_a_caseworker(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    first = _lines(sozialdienst_file(1, 70))[0]
    run_import(uow_factory, systems.sozialdienst, _file(first))
    cells = first.split(";")
    cells[0], cells[1] = "SD-000071", _lines(sozialdienst_file(1, 71))[0].split(";")[1]  # another AHVN13
    report = run_import(uow_factory, systems.sozialdienst, _file(";".join(cells)))

    assert report.results[0].outcome is ERROR
    assert len(report.results[0].candidate_person_ids) == 1
    assert _counts(engine, "persons")[0] == 1


def test_a_dry_run_writes_nothing_and_answers_as_the_import_would(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    payload = sozialdienst_file(4, 90)
    probe = run_import(uow_factory, systems.sozialdienst, payload, dry_run=True)
    assert _counts(engine, "persons", "cases", "institution_dossiers") == [0, 0, 0]
    imported = run_import(uow_factory, systems.sozialdienst, payload)
    assert [r.outcome for r in probe.results] == [r.outcome for r in imported.results] == [CREATED] * 4


def test_birth_dates_of_the_file_reach_the_persons(uow_factory: Callable[[], UnitOfWork]) -> None:
    systems = add_systems(uow_factory)
    report = run_import(uow_factory, systems.sozialdienst, sozialdienst_file(2, 95))
    with uow_factory() as uow:
        persons = uow.persons.get_many([r.person_id for r in report.results if r.person_id])
    assert sorted(p.birth_date for p in persons.values()) == [date(1950, 4, 6), date(1950, 4, 7)]


# -- the two paths side by side ------------------------------------------------------------------------

_COMPARED = (
    "persons",
    "data_keys",
    "cases",
    "case_participants",
    "case_items",
    "institution_dossiers",
    "figure_cases",
    "figure_measures",
    "case_invitations",
    "figure_segments",
    "audit_events",
    "outbox_events",
)
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
_LEFT_OUT = {"seq", "position", "created_at", "updated_at", "occurred_at", "recorded_at"}


def _comparable(value: object) -> object:
    """Ids and times differ between two imports of the same file; their presence and shape do not."""
    if isinstance(value, uuid.UUID):
        return "uuid"
    if isinstance(value, bytes | memoryview):
        return f"{len(bytes(value))} bytes"
    if isinstance(value, datetime):
        return "time"
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, str):
        return _UUID_TEXT.sub("uuid", value)
    return value


def _everything(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        tables = {}
        for name in _COMPARED:
            table = Base.metadata.tables[name]
            columns = [c for c in table.columns if c.name not in _LEFT_OUT]
            rows = connection.execute(select(*columns)).all()
            tables[name] = sorted(repr([_comparable(v) for v in row]) for row in rows)
        return tables


def _mixed_sozialdienst_file() -> tuple[bytes, bytes]:
    """(first import, second import): known persons, new ones, a twin in the batch, a name twin with
    another AHVN13, a birth date in the future, another office's record and a changed name."""
    known = _lines(sozialdienst_file(3, 200))
    new = _lines(sozialdienst_file(6, 210))
    twin = new[0].replace("SD-000210", "SD-000219")
    renamed = known[1].replace("Name201", "Name201-Neu")
    future = new[1].split(";")
    future[4] = "01.01.2099"
    name_twin = new[2].split(";")
    name_twin[0], name_twin[1] = "SD-000229", _lines(sozialdienst_file(1, 229))[0].split(";")[1]
    elsewhere = new[3].replace("SD-WASSERAMT", "SD-THAL")
    second = _file(
        new[0],
        known[0],
        ";".join(future),
        twin,
        new[2],
        ";".join(name_twin),
        renamed,
        elsewhere,
        new[4],
        new[5],
    )
    return _file(*known), second


def _imported(
    databases: DatabaseFactory, vault: Vault, monkeypatch: pytest.MonkeyPatch, *, one_by_one: bool
) -> tuple[list[tuple[object, ...]], dict[str, list[str]]]:
    engine = make_engine(databases.migrated())
    sessions = make_session_factory(engine)

    def served() -> UnitOfWork:
        return SqlUnitOfWork(sessions, audit_factory=outboxing_audit_recorder, vault=vault)

    systems = add_systems(served)
    first, second = _mixed_sozialdienst_file()
    results = []
    with monkeypatch.context() as patch:
        if one_by_one:
            patch.setattr(
                SqlPersonRepository, "unknown_to", lambda self, persons, _id: [False] * len(persons)
            )
            patch.setattr(
                SqlDossierRepository, "known_clients", lambda self, persons, _id: [None] * len(persons)
            )
        rav = (FIXTURES / "rav_stellensuchende.xml").read_bytes()
        iv = (FIXTURES / "iv_dossiers.json").read_bytes()
        for institution, payload in (
            (systems.sozialdienst, first),
            (systems.sozialdienst, second),
            (systems.rav, rav),
            (systems.iv, iv),
            (systems.sozialdienst, second),  # again: what is unchanged now is found for the whole batch
            (systems.rav, rav),
            (systems.iv, iv),
        ):
            report = run_import(served, institution, payload)
            results += [
                (
                    r.location,
                    r.outcome,
                    r.message,
                    r.local_reference,
                    r.person_id,
                    r.case_id,
                    r.candidate_person_ids,
                )
                for r in report.results
            ]
    everything = _everything(engine)
    # The ids differ between the databases; which answers name the same person or case does not.
    first_seen: dict[object, int] = {}
    results = [
        tuple(
            [first_seen.setdefault(i, len(first_seen)) for i in value]
            if isinstance(value, tuple)
            else first_seen.setdefault(value, len(first_seen))
            if isinstance(value, uuid.UUID)
            else value
            for value in result
        )
        for result in results
    ]
    engine.dispose()
    return results, everything


def test_records_written_together_leave_what_one_by_one_leaves(
    databases: DatabaseFactory, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = _imported(databases, vault, monkeypatch, one_by_one=False)
    one_by_one = _imported(databases, vault, monkeypatch, one_by_one=True)

    assert together[0] == one_by_one[0]
    assert {outcome for _l, outcome, *_ in together[0]} == {CREATED, CHANGED, UNCHANGED, ERROR}
    for table, rows in one_by_one[1].items():
        assert together[1][table] == rows, table
    assert together[1]["case_items"] and together[1]["figure_measures"]  # the RAV's measures
    assert any("aussteuerung_droht" in row for row in together[1]["outbox_events"])


def test_a_caseworker_who_sees_only_assigned_cases_is_answered_as_one_by_one_would(
    uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Which registration a caseworker may use depends on the cases assigned to them: the batch's
    # check of unchanged clients does not decide that, the record's own way does.
    systems = add_systems(uow_factory)
    payload = sozialdienst_file(3, 300)
    run_import(uow_factory, systems.sozialdienst, payload)
    caseworker = Principal(
        uuid.uuid4(),
        PrincipalKind.USER,
        "fallfuehrung",
        systems.sozialdienst.id,
        frozenset({Role.CASEWORKER}),
    )
    ctx = RequestContext(caseworker, correlation_id="cw", now=NOW)
    fmt = FORMATS[InstitutionKind.SOZIALDIENST]

    def answers() -> list[tuple[object, ...]]:
        report = import_file(uow_factory(), ctx, fmt, payload, ImportOptions())
        return [(r.outcome, r.message, r.person_id) for r in report.results]

    asked: list[int] = []
    with monkeypatch.context() as patch:
        patch.setattr(SqlDossierRepository, "known_clients", lambda self, persons, _id: asked.append(1) or [])
        direct = answers()
    assert asked == []  # not even asked
    assert answers() == direct
    assert {outcome for outcome, *_ in direct} == {ERROR}  # no case of theirs: the AHVN13 is taken


# -- what the check of unchanged records must never swallow --------------------------------------------


def _known(uow_factory: Callable[[], UnitOfWork], first: int) -> tuple[Systems, bytes, list[RecordResult]]:
    systems = add_systems(uow_factory)
    payload = sozialdienst_file(2, first)
    created = run_import(uow_factory, systems.sozialdienst, payload).results
    assert [r.outcome for r in created] == [CREATED, CREATED]
    return systems, payload, created


def _outcomes(report: ImportReport) -> list[RecordOutcome]:
    return [r.outcome for r in report.results]


def test_a_change_of_the_dossier_alone_is_written(uow_factory: Callable[[], UnitOfWork]) -> None:
    systems, payload, _created = _known(uow_factory, 400)
    changed = payload.replace(b";laufend\r\n", b";sistiert\r\n", 1)  # the first record's support status
    assert _outcomes(run_import(uow_factory, systems.sozialdienst, changed)) == [CHANGED, UNCHANGED]
    assert _outcomes(run_import(uow_factory, systems.sozialdienst, changed)) == [UNCHANGED, UNCHANGED]


def test_a_reference_changed_in_cockpit_is_set_back_by_the_source_system(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems, payload, created = _known(uow_factory, 410)
    with engine.begin() as connection:
        connection.execute(
            update(ParticipationRow)
            .where(ParticipationRow.case_id == created[0].case_id)
            .values(local_reference="VON-HAND")
        )
    assert _outcomes(run_import(uow_factory, systems.sozialdienst, payload)) == [CHANGED, UNCHANGED]


def test_a_known_clients_record_of_another_office_is_refused(uow_factory: Callable[[], UnitOfWork]) -> None:
    systems, payload, _created = _known(uow_factory, 420)
    foreign = payload.replace(b";SD-WASSERAMT;", b";SD-THAL;", 1)
    report = run_import(uow_factory, systems.sozialdienst, foreign)
    assert _outcomes(report) == [ERROR, UNCHANGED]
    assert "SD-THAL" in report.results[0].message


def test_a_case_the_institution_left_or_that_was_archived_is_not_unchanged(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems, payload, created = _known(uow_factory, 430)
    with engine.begin() as connection:
        connection.execute(
            update(ParticipationRow)
            .where(ParticipationRow.case_id == created[0].case_id)
            .values(left_on=date(2026, 6, 30))
        )
        connection.execute(update(CaseRow).where(CaseRow.id == created[1].case_id).values(phase="archived"))
    report = run_import(uow_factory, systems.sozialdienst, payload)
    assert report.results[0].outcome is ERROR  # its own registration, no case it takes part in
    assert report.results[1].outcome is CREATED  # a new case for the client
    assert report.results[1].case_id not in (None, created[1].case_id)


def test_a_rav_record_changing_only_a_measure_or_a_fact_is_written(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / "rav_stellensuchende.xml").read_bytes()
    run_import(uow_factory, systems.rav, payload)
    measure = payload.replace(b"<Status>geplant</Status>", b"<Status>laufend</Status>")
    assert _outcomes(run_import(uow_factory, systems.rav, measure)) == [CHANGED, UNCHANGED]
    fact = measure.replace(
        b"<Suchstatus>zwischenverdienst</Suchstatus>", b"<Suchstatus>aktiv_suchend</Suchstatus>"
    )
    assert _outcomes(run_import(uow_factory, systems.rav, fact)) == [UNCHANGED, CHANGED]


def test_the_registration_of_a_shared_case_is_chosen_before_the_institutions_own(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    # Wasseramt registers the client first; Thal registers it too and opens its own case, in which
    # Wasseramt later takes part. The record's own way prefers the shared registration, so must
    # the check of unchanged records: it may not answer from Wasseramt's own, older one.
    systems, payload, own = _known(uow_factory, 440)
    thal = Institution(InstitutionKind.SOZIALDIENST, "SD-THAL", "Sozialregion Thal")
    with uow_factory() as uow:
        uow.institutions.add(thal)
    shared = run_import(uow_factory, thal, payload.replace(b";SD-WASSERAMT;", b";SD-THAL;")).results
    line = _lines(payload)[0].split(";")
    with engine.begin() as connection:
        connection.execute(
            insert(ParticipationRow).values(
                id=uuid.uuid4(),
                case_id=shared[0].case_id,
                institution_id=systems.sozialdienst.id,
                local_reference=line[0],
                joined_on=date(2026, 1, 5),
            )
        )
    first = run_import(uow_factory, systems.sozialdienst, payload).results[0]
    again = run_import(uow_factory, systems.sozialdienst, payload).results[0]

    assert (first.outcome, first.person_id, first.case_id) == (
        CREATED,
        shared[0].person_id,
        shared[0].case_id,
    )
    assert (again.outcome, again.person_id, again.case_id) == (
        UNCHANGED,
        shared[0].person_id,
        shared[0].case_id,
    )
    assert own[0].person_id != shared[0].person_id
