"""Held rows (adapters/row_writer.py): written at the end of the block, parents before children,
with what was set after they were added; nothing of them after an error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseRow, InstitutionRow, ParticipationRow, PersonRow
from app.adapters.row_writer import rows_of
from app.domain.errors import ConcurrentConflict
from tests.statements import counted

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as session:  # as the unit of work's: no autoflush
        institution = InstitutionRow(id=uuid.uuid4(), kind="sozialdienst", code="SD-X", name="Sozialdienst X")
        session.add(institution)
        session.commit()
        session.info["institution_id"] = institution.id
        yield session


def _person(session: Session, ahvn13_index: bytes) -> uuid.UUID:
    person = rows_of(session).new(
        PersonRow, id=uuid.uuid4(), registered_by_institution_id=session.info["institution_id"], version=1
    )
    person.sealed_data, person.ahvn13_index, person.name_index = b"sealed", ahvn13_index, b"n" * 32
    person.family_name_index, person.index_version, person.created_at, person.updated_at = (
        b"f" * 32,
        1,
        NOW,
        NOW,
    )
    return person.id


def _case_before_its_person(session: Session, ahvn13_index: bytes) -> uuid.UUID:
    """Added children first on purpose: the writer must order the tables, not the caller."""
    rows = rows_of(session)
    institution_id, person_id, case_id = session.info["institution_id"], uuid.uuid4(), uuid.uuid4()
    case = rows.new(CaseRow, id=case_id, created_at=NOW, participations=[], version=1, person_id=person_id)
    case.participations.append(
        rows.child(
            case,
            ParticipationRow,
            id=uuid.uuid4(),
            case_id=case_id,
            institution_id=institution_id,
            local_reference="R",
        )
    )
    case.participations[0].joined_on = date(2026, 1, 5)
    case.phase, case.lead_institution_id, case.opened_on = "intake", institution_id, date(2026, 1, 5)
    case.reassessment_interval_months, case.updated_at = 6, NOW
    person = rows.new(PersonRow, id=person_id, registered_by_institution_id=institution_id, version=1)
    person.sealed_data, person.ahvn13_index, person.name_index = b"sealed", ahvn13_index, b"n" * 32
    person.family_name_index, person.index_version, person.created_at, person.updated_at = (
        b"f" * 32,
        1,
        NOW,
        NOW,
    )
    return case_id


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_held_rows_are_written_at_the_end_parents_first_one_statement_per_table(
    session: Session, engine: Engine
) -> None:
    with counted(engine) as statements:
        with rows_of(session).held():
            first = _case_before_its_person(session, b"a" * 32)
            second = _case_before_its_person(session, b"b" * 32)
            assert statements.writes == []  # nothing before the block ends
            held = rows_of(session).added(CaseRow, first)
            assert held is not None and held.person_id is not None  # found without a statement
        session.commit()
    assert [s.split("(")[0].strip() for s in statements.writes] == [
        "INSERT INTO persons",
        "INSERT INTO cases",
        "INSERT INTO case_participants",
    ]
    stored = session.get(CaseRow, first)
    assert stored is not None and stored.phase == "intake"  # a column set after `new`
    joined = select(ParticipationRow.joined_on).where(ParticipationRow.case_id == first)
    assert list(session.scalars(joined)) == [date(2026, 1, 5)]
    assert session.get(CaseRow, second) is not None


def test_an_error_inside_the_block_writes_none_of_its_rows(session: Session) -> None:
    with pytest.raises(RuntimeError), rows_of(session).held():
        _case_before_its_person(session, b"a" * 32)
        raise RuntimeError("a rule of the domain")
    session.commit()
    assert (_count(session, PersonRow), _count(session, CaseRow)) == (0, 0)
    assert rows_of(session).added(CaseRow, uuid.uuid4()) is None


def test_a_uniqueness_rule_breaking_at_the_write_is_a_concurrent_conflict(session: Session) -> None:
    _person(session, b"x" * 32)  # not held: goes to the session
    session.commit()
    with pytest.raises(ConcurrentConflict) as raised, rows_of(session).held():
        _person(session, b"x" * 32)  # the same institution registers the same AHVN13 again
    assert raised.value.message == "Ihre Stelle hat diese AHV-Nummer bereits erfasst."
    session.rollback()
    assert _count(session, PersonRow) == 1


def test_a_failing_record_drops_only_its_own_held_rows(session: Session) -> None:
    with rows_of(session).held() as block:
        with block.each():
            _person(session, b"1" * 32)
        with pytest.raises(ValueError), block.each():
            _case_before_its_person(session, b"2" * 32)
            raise ValueError("a rule of the domain")
        with block.each():
            _person(session, b"3" * 32)
    session.commit()
    indexes = session.scalars(select(PersonRow.ahvn13_index).order_by(PersonRow.ahvn13_index))
    assert list(indexes) == [b"1" * 32, b"3" * 32]
    assert _count(session, CaseRow) == 0


def test_what_the_session_would_refuse_is_refused_when_held(session: Session) -> None:
    rows = rows_of(session)
    person_id = uuid.uuid4()
    with pytest.raises(RuntimeError, match="held twice"), rows.held():
        rows.new(PersonRow, id=person_id)
        rows.new(PersonRow, id=person_id)
    with pytest.raises(TypeError, match="no attribute"), rows.held():
        rows.new(PersonRow, id=uuid.uuid4(), shoe_size=44)
    with pytest.raises(RuntimeError, match="outside the schema"), rows.held():
        rows.insert(PersonRow.__table__.alias(), [{"id": uuid.uuid4()}])
    assert _count(session, PersonRow) == 0


def test_dropping_a_record_keeps_the_rows_inserted_before_it(session: Session) -> None:
    rows = rows_of(session)
    table = PersonRow.__table__
    institution_id = session.info["institution_id"]
    values = dict(registered_by_institution_id=institution_id, sealed_data=b"s", name_index=b"n" * 32)
    values.update(family_name_index=b"f" * 32, index_version=1, created_at=NOW, updated_at=NOW, version=1)
    with rows.held() as block:
        with block.each():
            rows.insert(table, [dict(values, id=uuid.uuid4(), ahvn13_index=b"1" * 32)])
        with pytest.raises(ValueError), block.each():
            rows.insert(table, [])  # nothing: must not count as a step to undo
            rows.insert(table, [dict(values, id=uuid.uuid4(), ahvn13_index=b"2" * 32)])
            raise ValueError("refused")
    session.commit()
    assert list(session.scalars(select(PersonRow.ahvn13_index))) == [b"1" * 32]
