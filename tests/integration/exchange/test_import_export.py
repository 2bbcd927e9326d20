"""Sample files import, re-import unchanged, and export back; bad records are refused one by one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, event, func, select

from app.adapters.db.dossier_models import DossierRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseRow, PersonRow
from app.adapters.institutions import FORMATS
from app.domain.audit import AuditAction
from app.domain.institutions import InstitutionKind
from app.services.dossier_export import export_case
from app.services.dossier_import import ImportOptions, RecordOutcome, import_file
from app.services.errors import CaseNotFound, Forbidden
from app.services.ports import UnitOfWork
from tests.audit_log import audit_count, last_audit_event
from tests.integration.exchange.helpers import FIXTURES, add_systems, run_import, system_context

SAMPLES = [
    (InstitutionKind.RAV, "rav_stellensuchende.xml", 2),
    (InstitutionKind.IV, "iv_dossiers.json", 1),
    (InstitutionKind.SOZIALDIENST, "sozialdienst_utf8_bom.csv", 2),
    (InstitutionKind.SOZIALDIENST, "sozialdienst_windows1252.csv", 2),
]


def _rows(engine: Engine) -> tuple[int, int, int]:
    with make_session_factory(engine)() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (PersonRow, CaseRow, DossierRow)
        )


@pytest.mark.parametrize(("kind", "sample", "records"), SAMPLES)
def test_sample_imports_and_reimports_unchanged(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, kind: InstitutionKind, sample: str, records: int
) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / sample).read_bytes()

    first = run_import(uow_factory, systems.of(kind), payload)
    assert first.summary()["created"] == records, first.results
    stored, audited = _rows(engine), audit_count(engine)

    second = run_import(uow_factory, systems.of(kind), payload)
    assert second.summary()["unchanged"] == records, second.results
    assert _rows(engine) == stored == (records, records, records)
    assert audit_count(engine) == audited


@pytest.mark.parametrize(("kind", "sample", "records"), SAMPLES)
def test_export_imports_back_unchanged(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, kind: InstitutionKind, sample: str, records: int
) -> None:
    systems = add_systems(uow_factory)
    institution = systems.of(kind)
    report = run_import(uow_factory, institution, (FIXTURES / sample).read_bytes())
    case_id = report.results[0].case_id
    assert case_id is not None

    exported = export_case(uow_factory(), system_context(institution), FORMATS[kind], case_id)

    event = last_audit_event(engine)
    assert (event.action, event.recipient_institution_id) == (AuditAction.DISCLOSE, institution.id)
    assert event.case_id == case_id
    again = run_import(uow_factory, institution, exported)
    assert [r.outcome for r in again.results] == [RecordOutcome.UNCHANGED]
    assert again.results[0].case_id == case_id


def test_changed_record_is_reported_changed_and_audited(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / "rav_stellensuchende.xml").read_bytes()
    run_import(uow_factory, systems.rav, payload)

    changed = payload.replace(b"<Arbeitsfaehigkeit>60<", b"<Arbeitsfaehigkeit>80<")
    report = run_import(uow_factory, systems.rav, changed)

    assert [r.outcome for r in report.results] == [RecordOutcome.CHANGED, RecordOutcome.UNCHANGED]
    event = last_audit_event(engine)
    assert (event.action, event.operation, event.categories) == ("change", "import.rav", ["arbeitsmarkt"])


def test_dry_run_reports_without_storing(uow_factory: Callable[[], UnitOfWork], engine: Engine) -> None:
    systems = add_systems(uow_factory)
    before = audit_count(engine)

    report = run_import(uow_factory, systems.iv, (FIXTURES / "iv_dossiers.json").read_bytes(), dry_run=True)

    assert report.summary()["created"] == 1
    assert _rows(engine) == (0, 0, 0)
    # the probe itself is on record, in its own transaction (finding 2: dry runs left no trace)
    assert audit_count(engine) == before + 1
    probe = last_audit_event(engine)
    assert (probe.operation, probe.action, probe.person_id) == ("import.iv", "read", None)
    assert "Probelauf" in probe.reason


@pytest.mark.parametrize(
    ("kind", "sample", "expected"),
    [
        (
            InstitutionKind.RAV,
            "rav_invalid_records.xml",
            [
                ("Zeile 3", "created", ""),
                ("Zeile 25", "error", "Das Element «Arbeitsfaehigkeit» entspricht nicht dem Schema rav.xsd."),
                ("Zeile 27", "error", "Die Prüfziffer der AHV-Nummer stimmt nicht."),
            ],
        ),
        (
            InstitutionKind.IV,
            "iv_invalid.json",
            [
                ("/dossiers/0/person", "error", "Pflichtfeld «vorname» fehlt."),
                ("/dossiers/1/arbeitsfaehigkeitProzent", "error", "Zahl ausserhalb des erlaubten Bereichs."),
            ],
        ),
        (
            InstitutionKind.SOZIALDIENST,
            "sozialdienst_invalid.csv",
            [
                ("Zeile 2", "error", "Eröffnet am: Datum im Format TT.MM.JJJJ erwartet."),
                ("Zeile 3", "error", "Die Zeile hat 6 statt 7 Felder."),
                ("Zeile 4", "error", "Die Prüfziffer der AHV-Nummer stimmt nicht."),
                (
                    "Zeile 5",
                    "error",
                    "Unbekannter Unterstützungsstatus; erlaubt sind: "
                    "in_abklaerung, laufend, sistiert, abgeschlossen.",
                ),
            ],
        ),
    ],
)
def test_malformed_records_get_german_errors_and_store_nothing(
    uow_factory: Callable[[], UnitOfWork],
    engine: Engine,
    kind: InstitutionKind,
    sample: str,
    expected: list[tuple[str, str, str]],
) -> None:
    systems = add_systems(uow_factory)

    report = run_import(uow_factory, systems.of(kind), (FIXTURES / sample).read_bytes())

    assert [(r.location, r.outcome.value, r.message) for r in report.results] == expected
    created = sum(1 for _, outcome, _ in expected if outcome == "created")
    assert _rows(engine) == (created, created, created)


@pytest.mark.parametrize("sample", ["rav_external_entity.xml", "rav_billion_laughs.xml"])
def test_malicious_xml_is_refused_before_anything_is_expanded(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, sample: str
) -> None:
    systems = add_systems(uow_factory)

    report = run_import(uow_factory, systems.rav, (FIXTURES / sample).read_bytes())

    assert [(r.location, r.outcome) for r in report.results] == [("Datei", RecordOutcome.ERROR)]
    assert "DTD" in report.results[0].message
    assert _rows(engine) == (0, 0, 0)


def test_an_institution_imports_only_its_own_format(uow_factory: Callable[[], UnitOfWork]) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / "rav_stellensuchende.xml").read_bytes()
    rav_format = FORMATS[InstitutionKind.RAV]
    with pytest.raises(Forbidden):
        import_file(uow_factory(), system_context(systems.iv), rav_format, payload, ImportOptions())


def test_record_of_another_office_is_refused(uow_factory: Callable[[], UnitOfWork], engine: Engine) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / "iv_dossiers.json").read_bytes().replace(b'"IV-SO"', b'"IV-BE"')

    report = run_import(uow_factory, systems.iv, payload)

    assert report.results[0].message == "Der Datensatz gehört zur Stelle «IV-BE», nicht zu Ihrer Stelle."
    assert _rows(engine) == (0, 0, 0)


def test_case_of_another_institution_is_neither_changed_nor_exported(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    report = run_import(
        uow_factory, systems.sozialdienst, (FIXTURES / "sozialdienst_utf8_bom.csv").read_bytes()
    )
    case_id = report.results[0].case_id
    assert case_id is not None

    # The same client (AHVN13 756.1111.2222.39) arrives from the RAV, which is not on the case: the
    # RAV registers the client itself and opens its own case, as for a client nobody knows.
    rav = run_import(uow_factory, systems.rav, (FIXTURES / "rav_invalid_records.xml").read_bytes())
    assert rav.results[0].outcome is RecordOutcome.CREATED
    assert rav.results[0].person_id != report.results[0].person_id
    assert rav.results[0].case_id != case_id
    with pytest.raises(CaseNotFound):
        export_case(uow_factory(), system_context(systems.rav), FORMATS[InstitutionKind.RAV], case_id)
    assert last_audit_event(engine).outcome == "denied"


def test_name_and_birth_date_only_propose_a_candidate(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    run_import(uow_factory, systems.rav, (FIXTURES / "rav_stellensuchende.xml").read_bytes())
    first = run_import(uow_factory, systems.rav, (FIXTURES / "rav_stellensuchende.xml").read_bytes())
    anna = first.results[0].person_id
    # Same names and birth date, another (valid) AHVN13 and job-seeker number.
    twin = (FIXTURES / "rav_stellensuchende.xml").read_bytes()
    twin = twin.replace(b"756.1234.5678.04", b"756.7777.8888.95").replace(b"SS-2026-0001", b"SS-2026-0099")

    held = run_import(uow_factory, systems.rav, twin)
    assert held.results[0].outcome is RecordOutcome.ERROR
    assert held.results[0].candidate_person_ids == (anna,)
    assert _rows(engine)[0] == 2

    confirmed = run_import(uow_factory, systems.rav, twin, confirm_new_persons=True)
    assert confirmed.results[0].outcome is RecordOutcome.CREATED
    assert confirmed.results[0].person_id != anna
    assert _rows(engine)[0] == 3


def test_dossier_on_an_existing_case_is_a_change_of_that_case(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    report = run_import(
        uow_factory, systems.sozialdienst, (FIXTURES / "sozialdienst_utf8_bom.csv").read_bytes()
    )
    case_id = report.results[0].case_id
    assert case_id is not None
    with uow_factory() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        case.add_participant(systems.rav.id, "SS-2026-0003", case.opened_on, case.opened_on)
        uow.cases.save(case)

    rav = run_import(uow_factory, systems.rav, (FIXTURES / "rav_invalid_records.xml").read_bytes())

    assert (rav.results[0].outcome, rav.results[0].case_id) == (RecordOutcome.CREATED, case_id)
    event = last_audit_event(engine)
    assert (event.action, event.categories) == ("change", ["arbeitsmarkt"])


def test_a_name_twin_only_another_institution_knows_changes_nothing_in_the_answer(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    """Finding 2: a known name + birth date with a new AHVN13 answered with a candidate."""
    from app.domain.institutions import Institution

    systems = add_systems(uow_factory)
    olten = Institution(InstitutionKind.RAV, "RAV-OLTEN", "RAV Olten")
    with uow_factory() as uow:
        uow.institutions.add(olten)
    run_import(uow_factory, systems.rav, (FIXTURES / "rav_stellensuchende.xml").read_bytes())
    source = (FIXTURES / "rav_stellensuchende.xml").read_bytes().replace(b"RAV-SOLOTHURN", b"RAV-OLTEN")
    twin = source.replace(b"756.1234.5678.04", b"756.7777.8888.95")
    stranger = source.replace(b"756.1234.5678.04", b"756.8888.9999.06").replace(b">Muster<", b">Zuber<")

    for payload in (twin, stranger):
        for dry_run in (True, False):
            before = audit_count(engine)
            report = run_import(uow_factory, olten, payload, dry_run=dry_run)
            first = report.results[0]
            assert (first.outcome, first.message, first.candidate_person_ids) == (
                RecordOutcome.CREATED,
                "",
                (),
            )
            assert audit_count(engine) > before


def test_the_records_of_a_batch_commit_together_each_in_its_savepoint(
    uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    systems = add_systems(uow_factory)
    payload = (FIXTURES / "sozialdienst_invalid.csv").read_bytes()
    commits: list[object] = []

    def count(connection: object) -> None:
        commits.append(connection)

    event.listen(engine, "commit", count)
    try:
        report = run_import(uow_factory, systems.sozialdienst, payload)
    finally:
        event.remove(engine, "commit", count)
    assert report.count(RecordOutcome.ERROR) > 0
    # one transaction for all records of the batch (the importing institution was read before)
    assert len(commits) == 1
    created = report.count(RecordOutcome.CREATED)
    assert _rows(engine) == (created, created, created)
