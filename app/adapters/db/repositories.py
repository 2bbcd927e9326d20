"""Repositories: the services' collections, backed by one SQLAlchemy session."""

from __future__ import annotations

import base64
import binascii
import builtins
import json
import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BindParameter, Select, Table, and_, bindparam, or_, select
from sqlalchemy import case as sa_case
from sqlalchemy.orm import Session, selectinload

from app.adapters.crypto.blind_index import (
    IndexedColumn,
    normalise_ahvn13,
    normalise_family_name,
    normalise_name_birth_date,
)
from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.due_dates import due_case_ids
from app.adapters.db.figure_sync import record_figure_metadata
from app.adapters.db.institution_directory import InstitutionDirectory
from app.adapters.db.invitations import load_invitations, pending_invitation_case_ids, sync_invitations
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.models import (
    AuditEventRow,
    CaseItemRow,
    CaseRow,
    InstitutionRow,
    ParticipationRow,
    PersonRow,
    UserRow,
)
from app.adapters.db.plain_rows import LoadedRows, PlainRecord
from app.adapters.db.sealed_items import ITEMS_OF_CASE, ItemRecord, SealedItems
from app.adapters.db.sealing import read_person, write_person
from app.adapters.row_writer import RowWriter, rows_of
from app.adapters.row_writer import flush_session as _flush
from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditEvent
from app.domain.cases import (
    CasePhase,
    Closure,
    ContactPerson,
    FollowUp,
    Participation,
    Segment,
    SharedCase,
)
from app.domain.cases.invitations import Invitation
from app.domain.cases.listing import CaseFilter, CaseSortKey, CaseSummary, Page
from app.domain.cases.sealed import SealedCase, SealedItem
from app.domain.cases.versions import CORE, Part, section_of
from app.domain.categories import DataCategory
from app.domain.errors import DataDestroyed, InvalidValue, StaleVersion
from app.domain.exchange import PersonFacts
from app.domain.institutions import Institution, InstitutionKind
from app.domain.pendenzen import DueWindow, item_due_dates
from app.domain.persons import Person
from app.domain.principal import Role
from app.domain.users import User


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqlInstitutionRepository:
    """Reads through the process's directory cache; an `add` bypasses it until the unit of work ends."""

    def __init__(self, session: Session, directory: InstitutionDirectory) -> None:
        self._session = session
        self._directory = directory
        self.changed = False

    def get(self, institution_id: uuid.UUID) -> Institution | None:
        if self.changed:
            row = self._session.get(InstitutionRow, institution_id)
            return _institution(row) if row else None
        return self._directory.get(institution_id, self._load)

    def by_code(self, code: str) -> Institution | None:
        return next((i for i in self.list() if i.code == code), None)

    def list(self) -> builtins.list[Institution]:
        if self.changed:
            return self._load()
        return list(self._directory.all(self._load).values())

    def kinds(self) -> dict[uuid.UUID, InstitutionKind]:
        return {institution.id: institution.kind for institution in self.list()}

    def add(self, institution: Institution) -> None:
        self._session.add(
            InstitutionRow(
                id=institution.id,
                kind=institution.kind.value,
                code=institution.code,
                name=institution.name,
                active=institution.active,
            )
        )
        _flush(self._session)
        self.changed = True

    def _load(self) -> builtins.list[Institution]:
        return [_institution(r) for r in self._session.scalars(select(InstitutionRow))]


def _institution(row: InstitutionRow) -> Institution:
    return Institution(InstitutionKind(row.kind), row.code, row.name, row.id, row.active)


class SqlUserRepository:
    def __init__(self, session: Session, loaded: LoadedRows | None = None) -> None:
        self._session = session
        self._loaded = loaded or LoadedRows()

    def get(self, user_id: uuid.UUID) -> User | None:
        row = self._loaded.users.get(user_id) or self._session.get(UserRow, user_id)
        return _user(row) if row else None

    def by_username(self, username: str) -> User | None:
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        return _user(row) if row else None

    def add(self, user: User) -> None:
        self._session.add(
            UserRow(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                institution_id=user.institution_id,
                roles=sorted(r.value for r in user.roles),
                active=user.active,
            )
        )
        _flush(self._session)

    def list(self) -> list[User]:
        return [_user(r) for r in self._session.scalars(select(UserRow).order_by(UserRow.username))]

    def save(self, user: User) -> None:
        self._loaded.users.pop(user.id, None)
        row = self._session.get(UserRow, user.id)
        if row is None:
            self.add(user)
            return
        row.display_name = user.display_name
        row.roles = sorted(r.value for r in user.roles)
        row.active = user.active
        _flush(self._session)


def _user(row: Any) -> User:  # a UserRow or a plain row of its columns
    return User(
        row.id,
        row.username,
        row.display_name,
        row.institution_id,
        frozenset(Role(r) for r in row.roles),
        row.active,
    )


def _related_registrations(index: Any, *columns: Any) -> Select[Any]:
    """Persons whose blind `index` is one of `:indexes` and to whom `:institution_id` has a relation:
    its own registrations and those of cases it actively takes part in (built once, at import: the
    import runs it twice per record)."""
    institution_id: BindParameter[uuid.UUID] = bindparam("institution_id")
    # Correlated: asked only for the few persons the index found. As `id IN (persons of all the
    # institution's cases)` it read every case the institution takes part in on each lookup, so an
    # import slowed down with every case it opened.
    takes_part = (
        select(CaseRow.id)
        .join(ParticipationRow, ParticipationRow.case_id == CaseRow.id)
        .where(
            CaseRow.person_id == PersonRow.id,
            ParticipationRow.institution_id == institution_id,
            ParticipationRow.left_on.is_(None),
        )
        .exists()
    )
    return (
        select(*(columns or (PersonRow,)))
        .where(
            index.in_(bindparam("indexes", expanding=True)),
            or_(PersonRow.registered_by_institution_id == institution_id, takes_part),
        )
        .order_by(PersonRow.created_at, PersonRow.id)
    )


RELATED_BY_AHVN13 = _related_registrations(PersonRow.ahvn13_index)
_RELATED_BY_NAME = _related_registrations(PersonRow.name_index)
_RELATED_AHVN13_INDEXES = _related_registrations(PersonRow.ahvn13_index, PersonRow.ahvn13_index)
_RELATED_NAME_INDEXES = _related_registrations(PersonRow.name_index, PersonRow.name_index)


class SqlPersonRepository:
    """Stammdaten sealed under the person's data key; exact lookups through blind indexes only."""

    def __init__(self, session: Session, keys: SqlKeyStore, loaded: LoadedRows | None = None) -> None:
        self._session = session
        self._keys = keys
        self._loaded = loaded or LoadedRows()

    def add(self, person: Person) -> None:
        now = _utcnow()
        self._keys.prepare_indexes()
        key_values = self._keys.create_data_key(person.id)
        rows = rows_of(self._session)
        row = rows.new(
            PersonRow,
            id=person.id,
            registered_by_institution_id=person.registered_by_institution_id,
            created_at=now,
            updated_at=now,
            version=person.version,
        )
        self._write(row, person)
        rows.flush()
        rows.new(DataKeyRow, **key_values)
        rows.flush()

    def get(self, person_id: uuid.UUID) -> Person | None:
        """Raises DataDestroyed for a person whose data key was destroyed."""
        row = self._loaded.persons.get(person_id) or self._session.get(PersonRow, person_id)
        return self._person(row) if row else None

    def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        """The readable ones; persons whose data was destroyed are left out."""
        if not person_ids:
            return {}
        wanted = set(person_ids)
        rows = self._session.connection().execute(select(PersonRow).where(PersonRow.id.in_(wanted))).all()
        self._keys.preload_data_keys(wanted)
        found = {}
        for row in rows:
            try:
                found[row.id] = self._person(row)
            except DataDestroyed:
                continue
        return found

    def by_ahvn13(self, ahvn13: Ahvn13) -> Person | None:
        """The earliest registration of this AHVN13 (any institution's)."""
        found = self.registrations_by_ahvn13(ahvn13)
        return found[0] if found else None

    def registrations_by_ahvn13(self, ahvn13: Ahvn13) -> list[Person]:
        """Every institution's registration of this AHVN13, earliest first (at most one each)."""
        indexes = self._keys.indexes_for_lookup(IndexedColumn.AHVN13, normalise_ahvn13(ahvn13.digits))
        return self._plain(
            select(PersonRow)
            .where(PersonRow.ahvn13_index.in_(indexes))
            .order_by(PersonRow.created_at, PersonRow.id)
        )

    def registrations_related_to(self, ahvn13: Ahvn13, institution_id: uuid.UUID) -> list[Person]:
        """The registrations of this AHVN13 the institution has a relation to: its own, and those of
        cases it actively takes part in. One statement whoever else registered the person, and
        another institution's Stammdaten are never opened."""
        indexes = self._keys.indexes_for_lookup(IndexedColumn.AHVN13, normalise_ahvn13(ahvn13.digits))
        return self._plain(RELATED_BY_AHVN13, {"indexes": indexes, "institution_id": institution_id})

    def name_twins_related_to(
        self, family_name: str, given_name: str, birth_date: date, institution_id: uuid.UUID
    ) -> list[Person]:
        """`by_name_and_birth_date` among the registrations the institution has a relation to."""
        normalised = normalise_name_birth_date(family_name, given_name, birth_date)
        indexes = self._keys.indexes_for_lookup(IndexedColumn.NAME_BIRTH_DATE, normalised)
        return self._plain(_RELATED_BY_NAME, {"indexes": indexes, "institution_id": institution_id})

    def unknown_to(self, persons: Sequence[PersonFacts], institution_id: uuid.UUID) -> list[bool]:
        """Per person: True where the institution has no related registration with the same AHVN13 or
        the same name and birth date, and no other entry of `persons` shares either. Two statements
        for the whole list; only blind indexes are compared, nothing is opened."""
        by_ahvn13 = [
            self._keys.indexes_for_lookup(IndexedColumn.AHVN13, normalise_ahvn13(p.ahvn13.digits))
            for p in persons
        ]
        by_name = [
            self._keys.indexes_for_lookup(
                IndexedColumn.NAME_BIRTH_DATE,
                normalise_name_birth_date(p.family_name, p.given_name, p.birth_date),
            )
            for p in persons
        ]
        known = self._related_indexes(_RELATED_AHVN13_INDEXES, by_ahvn13, institution_id)
        known |= self._related_indexes(_RELATED_NAME_INDEXES, by_name, institution_id)
        seen = Counter(index for indexes in (*by_ahvn13, *by_name) for index in set(indexes))
        return [
            all(index not in known and seen[index] == 1 for index in (*ahvn13, *name))
            for ahvn13, name in zip(by_ahvn13, by_name, strict=True)
        ]

    def _related_indexes(
        self, query: Select[Any], indexes: Sequence[list[bytes]], institution_id: uuid.UUID
    ) -> set[bytes]:
        wanted = sorted({index for each in indexes for index in each})
        if not wanted:
            return set()
        parameters = {"indexes": wanted, "institution_id": institution_id}
        return set(self._session.connection().execute(query, parameters).scalars())

    def _plain(self, query: Select[Any], parameters: dict[str, Any] | None = None) -> list[Person]:
        """The persons of `query`, read as plain rows (kept for `get` in this unit of work)."""
        found = []
        for row in self._session.connection().execute(query, parameters):
            self._loaded.persons.setdefault(row.id, row)
            found.append(self._person(row))
        return found

    def other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        """The ids of the other institutions' registrations of the same AHVN13; nothing is opened."""
        same = select(PersonRow.ahvn13_index).where(PersonRow.id == person_id).scalar_subquery()
        query = (
            select(PersonRow.id)
            .where(PersonRow.ahvn13_index == same, PersonRow.id != person_id)
            .order_by(PersonRow.created_at, PersonRow.id)
        )
        return list(self._session.scalars(query))

    def by_name_and_birth_date(self, family_name: str, given_name: str, birth_date: date) -> list[Person]:
        """Exact match after NFKC and casefold (candidates for matching, not an identification)."""
        normalised = normalise_name_birth_date(family_name, given_name, birth_date)
        indexes = self._keys.indexes_for_lookup(IndexedColumn.NAME_BIRTH_DATE, normalised)
        rows = self._session.scalars(
            select(PersonRow).where(PersonRow.name_index.in_(indexes)).order_by(PersonRow.id)
        )
        return [self._person(row) for row in rows]

    def ids_by_family_name(self, family_name: str) -> frozenset[uuid.UUID]:
        """Persons whose family name matches exactly (NFKC, casefold) through its blind index."""
        normalised = normalise_family_name(family_name)
        indexes = self._keys.indexes_for_lookup(IndexedColumn.FAMILY_NAME, normalised)
        query = select(PersonRow.id).where(PersonRow.family_name_index.in_(indexes))
        return frozenset(self._session.scalars(query))

    def save(self, person: Person) -> None:
        self._loaded.persons.pop(person.id, None)
        row = self._session.get(PersonRow, person.id)
        if row is None or row.version != person.version:
            raise StaleVersion()
        self._write(row, person)
        row.updated_at = _utcnow()
        row.version = person.version + 1
        _flush(self._session)
        person.version += 1

    def _write(self, row: PersonRow, person: Person) -> None:
        write_person(self._keys, row, person)

    def _person(self, row: Any) -> Person:  # a PersonRow or a plain row of its columns
        return read_person(self._keys, row)


_CASE_LOAD = (selectinload(CaseRow.participations),)
_CASES, _PARTICIPATIONS = CaseRow.__table__, ParticipationRow.__table__
_PERSONS, _KEYS, _CONTACTS = PersonRow.__table__, DataKeyRow.__table__, UserRow.__table__.alias("contact")
_CASE = PlainRecord(_CASES, "c_")
_PARTICIPATION = PlainRecord(_PARTICIPATIONS, "p_")
_PERSON = PlainRecord(_PERSONS, "s_")
_KEY = PlainRecord(_KEYS, "k_")
_CONTACT = PlainRecord(_CONTACTS, "u_")
# Built once, read as plain rows (a read builds no ORM object; a save loads the case through the
# ORM): the case with its participants (one row each), its person and the person's wrapped data key,
# the user who is its contact person (for the view's name); its items are one more statement.
_CASE_WITH_BASIS = (
    select(*_CASE.columns, *_PARTICIPATION.columns, *_PERSON.columns, *_KEY.columns, *_CONTACT.columns)
    .select_from(_CASES)
    .outerjoin(_PARTICIPATIONS, _PARTICIPATIONS.c.case_id == _CASES.c.id)
    .outerjoin(_PERSONS, _PERSONS.c.id == _CASES.c.person_id)
    .outerjoin(_KEYS, _KEYS.c.person_id == _CASES.c.person_id)
    .outerjoin(_CONTACTS, _CONTACTS.c.id == _CASES.c.contact_person_user_id)
    .where(_CASES.c.id == bindparam("case_id"))
    .order_by(_PARTICIPATIONS.c.joined_on, _PARTICIPATIONS.c.id)
)


class SqlCaseRepository:
    """Item content is sealed under the data key of the case's person and opened only on demand.

    `load` reads the case with its participants, its items' headers, its person and the person's
    wrapped data key in two statements and decrypts nothing; `open` then decrypts the items the
    caller names, and only those."""

    def __init__(
        self,
        session: Session,
        keys: SqlKeyStore,
        institutions: SqlInstitutionRepository,
        loaded: LoadedRows | None = None,
    ) -> None:
        self._session = session
        self._keys = keys
        self._institutions = institutions
        self._items = SealedItems(keys)
        self._loaded = loaded or LoadedRows()
        self._rows: dict[uuid.UUID, Any] = {}  # the case row as loaded (plain) or added (ORM)
        self._records: dict[uuid.UUID, Sequence[ItemRecord]] = {}  # as loaded or last saved
        self._cores: dict[uuid.UUID, tuple[object, ...]] = {}  # the core as loaded or last saved

    def add(self, case: SharedCase) -> None:
        now = _utcnow()
        rows = rows_of(self._session)
        row = rows.new(CaseRow, id=case.id, created_at=now, participations=[], version=case.version)
        _write_core(row, case, now, rows)
        rows.flush()
        self._rows[row.id] = row
        _wrote, self._records[row.id] = self._sync_items(case, ())
        self._cores[row.id] = _core_of_case(case)
        record_figure_metadata(self._session, case, self._institutions.kinds, new=True)
        sync_invitations(self._session, case, new=True)
        rows.flush()

    def load(self, case_id: uuid.UUID) -> SealedCase | None:
        row = self._row(case_id)
        if row is None:
            return None
        skeleton = _skeleton(row)
        skeleton.invitations = load_invitations(self._session, skeleton.id)
        self._cores[row.id] = _core_of_row(row, skeleton.invitations)
        return SealedCase(skeleton, _headers(self._records[row.id]))

    def current(self, case: SharedCase) -> SealedCase:
        """The case's headers as loaded or as this unit of work's last save left them (no statement)."""
        return SealedCase(case, _headers(self._records[case.id]))

    def version_key(self, case: SharedCase) -> bytes:
        return self._keys.data_key(case.person_id).version_tag_key

    def touched(self, case: SharedCase) -> frozenset[Part]:
        """The stored parts a save of `case` would change: the core, and the sections of the records
        it would rewrite or delete (a new record touches none)."""
        records = self._records[case.id]
        changed, removed = self._items.changes(records, _content_items(case))
        parts: set[Part] = {section_of(h) for h in _headers(records) if h.id in changed | removed}
        if self._cores.get(case.id) != _core_of_case(case):
            parts.add(CORE)
        return frozenset(parts)

    def open(self, sealed: SealedCase, item_ids: Collection[uuid.UUID]) -> SharedCase:
        """The loaded case with the named items decrypted; the others stay sealed and absent (a save
        leaves them untouched)."""
        row = self._rows[sealed.case.id]  # open() follows load() in the same unit of work
        return _case(row.person_id, self._records[row.id], sealed.case, self._items, set(item_ids))

    def get(self, case_id: uuid.UUID) -> SharedCase | None:
        """The whole case decrypted: for the system's own work on it (import, retention), never for
        a principal's read."""
        sealed = self.load(case_id)
        return self.open(sealed, [item.id for item in sealed.items]) if sealed else None

    def _row(self, case_id: uuid.UUID) -> Any:
        connection = self._session.connection()
        found = connection.execute(_CASE_WITH_BASIS, {"case_id": case_id}).mappings().all()
        if not found:
            return None
        first = found[0]
        row = _CASE.of(first)
        row.participations = [p for p in map(_PARTICIPATION.of, found) if p is not None]
        key_row, person_row, contact_row = _KEY.of(first), _PERSON.of(first), _CONTACT.of(first)
        if key_row is not None:
            self._keys.remember(key_row)
        if person_row is not None:
            self._loaded.persons.setdefault(person_row.id, person_row)
        if contact_row is not None:
            self._loaded.users.setdefault(contact_row.id, contact_row)
        self._rows[row.id] = row
        self._records[row.id] = connection.execute(ITEMS_OF_CASE, {"case_id": case_id}).all()
        return row

    def with_pending_invitation(self, institution_id: uuid.UUID) -> list[uuid.UUID]:
        return pending_invitation_case_ids(self._session, institution_id)

    def due_for_institution(
        self, institution_id: uuid.UUID, window: DueWindow, assigned_user_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        assigned = assigned_case_ids(assigned_user_id) if assigned_user_id is not None else None
        return due_case_ids(self._session, institution_id, window, assigned)

    def save(self, case: SharedCase) -> None:
        """Writes what changed. The core's version moves only with the core; records carry their own.
        Any write stamps `updated_at` (the last change, for retention) on the case row under the
        version loaded: so a save that leaves the core alone still fails if the core moved meanwhile
        (a record added to a case just archived, say), but two such saves only queue, never fail."""
        row = self._session.get(CaseRow, case.id, options=_CASE_LOAD)
        if row is None or row.version != case.version:
            raise StaleVersion()
        core = _core_of_case(case)
        core_changed = self._cores.get(case.id) != core
        now = _utcnow()
        if core_changed:
            _write_core(row, case, now, rows_of(self._session))
            row.version = case.version + 1
        wrote, self._records[case.id] = self._sync_items(case, self._records[case.id])
        if wrote and not core_changed:
            row.updated_at = now  # an UPDATE … WHERE version = the loaded one
        if core_changed:
            sync_invitations(self._session, case)
        _flush(self._session)  # a lost race becomes StaleVersion here, before anything else is written
        record_figure_metadata(self._session, case, self._institutions.kinds)
        _flush(self._session)
        if core_changed:
            case.version += 1
        self._cores[case.id] = core

    def _sync_items(
        self, case: SharedCase, stored: Sequence[ItemRecord]
    ) -> tuple[bool, Sequence[ItemRecord]]:
        """Writes the items that changed: whether any content did, and the records as they are now."""
        connection = self._session.connection()
        return self._items.sync(
            connection,
            rows_of(self._session),
            case.id,
            case.person_id,
            stored,
            _content_items(case),
            item_due_dates(case),
        )

    def page_for_institution(
        self,
        institution_id: uuid.UUID,
        case_filter: CaseFilter,
        cursor: str | None,
        limit: int,
        assigned_user_id: uuid.UUID | None = None,
    ) -> Page[CaseSummary]:
        query = select(CaseRow).join(
            ParticipationRow,
            and_(
                ParticipationRow.case_id == CaseRow.id,
                ParticipationRow.institution_id == institution_id,
                ParticipationRow.left_on.is_(None),
            ),
        )
        if assigned_user_id is not None:
            query = query.where(CaseRow.id.in_(assigned_case_ids(assigned_user_id)))
        if case_filter.segment is not None:
            query = query.where(CaseRow.current_segment == case_filter.segment.value)
        if case_filter.phase is not None:
            query = query.where(CaseRow.phase == case_filter.phase.value)
        if case_filter.reassessment_due_by is not None:
            query = query.where(CaseRow.reassessment_due_on <= case_filter.reassessment_due_by)
        if case_filter.person_ids is not None:
            query = query.where(CaseRow.person_id.in_(case_filter.person_ids))
        if case_filter.own_reference is not None:
            query = query.where(ParticipationRow.local_reference == case_filter.own_reference)
        sort = case_filter.sort
        offset = 0
        if sort.is_default:
            if cursor is not None:
                opened_on, case_id = decode_cursor(cursor)
                query = query.where(
                    or_(
                        CaseRow.opened_on < opened_on,
                        and_(CaseRow.opened_on == opened_on, CaseRow.id < case_id),
                    )
                )
            query = query.order_by(CaseRow.opened_on.desc(), CaseRow.id.desc())
        else:
            # Another order pages by position; the case id breaks ties, so no case shows twice.
            offset = decode_offset_cursor(cursor) if cursor is not None else 0
            column = _sort_column(sort.key)
            ordered = column.desc() if sort.descending else column.asc()
            by_id = CaseRow.id.desc() if sort.descending else CaseRow.id.asc()
            query = query.order_by(ordered.nulls_last(), by_id).offset(offset)
        query = query.add_columns(ParticipationRow.local_reference).limit(limit + 1)
        # Plain rows (the case's columns and the own Dossier-Nr.): a list page builds no ORM object.
        rows: list[Any] = list(self._session.connection().execute(query))
        has_more = len(rows) > limit
        rows = rows[:limit]
        participants = self._active_participants([r.id for r in rows])
        summaries = [
            replace(_summary(row, participants.get(row.id, frozenset())), own_reference=row.local_reference)
            for row in rows
        ]
        if not has_more:
            next_cursor = None
        elif sort.is_default:
            next_cursor = encode_cursor(rows[-1].opened_on, rows[-1].id)
        else:
            next_cursor = encode_offset_cursor(offset + limit)
        return Page(summaries, next_cursor)

    def _active_participants(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        if not case_ids:
            return {}
        found: dict[uuid.UUID, set[uuid.UUID]] = {}
        query = select(ParticipationRow.case_id, ParticipationRow.institution_id).where(
            ParticipationRow.case_id.in_(case_ids), ParticipationRow.left_on.is_(None)
        )
        for case_id, institution_id in self._session.connection().execute(query):
            found.setdefault(case_id, set()).add(institution_id)
        return {case_id: frozenset(ids) for case_id, ids in found.items()}

    def institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        query = (
            select(ParticipationRow.institution_id)
            .join(CaseRow, CaseRow.id == ParticipationRow.case_id)
            .where(CaseRow.person_id == person_id, ParticipationRow.left_on.is_(None))
            .distinct()
        )
        return set(self._session.scalars(query))

    def person_has_cases(self, person_id: uuid.UUID) -> bool:
        return (
            self._session.scalar(select(CaseRow.id).where(CaseRow.person_id == person_id).limit(1))
            is not None
        )

    def case_ids_of_person(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(CaseRow.id).where(CaseRow.person_id == person_id).order_by(CaseRow.opened_on)
        return list(self._session.scalars(query))

    def open_case_of_person(self, person_id: uuid.UUID) -> uuid.UUID | None:
        query = select(CaseRow.id).where(
            CaseRow.person_id == person_id, CaseRow.phase != CasePhase.ARCHIVED.value
        )
        return self._session.scalar(query)

    def open_cases_of_other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        same = select(PersonRow.ahvn13_index).where(PersonRow.id == person_id).scalar_subquery()
        query = (
            select(CaseRow.id)
            .join(PersonRow, PersonRow.id == CaseRow.person_id)
            .where(
                PersonRow.ahvn13_index == same,
                PersonRow.id != person_id,
                CaseRow.phase != CasePhase.ARCHIVED.value,
            )
            .order_by(CaseRow.opened_on, CaseRow.id)
        )
        return list(self._session.scalars(query))

    def lead_institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        query = select(CaseRow.lead_institution_id).where(
            CaseRow.person_id == person_id, CaseRow.phase != CasePhase.ARCHIVED.value
        )
        return set(self._session.scalars(query))

    def with_items_of(
        self, category: DataCategory, kinds: Collection[str], after: uuid.UUID | None, limit: int
    ) -> list[uuid.UUID]:
        query = (
            select(CaseItemRow.case_id)
            .where(CaseItemRow.category == category.value, CaseItemRow.kind.in_(list(kinds)))
            .distinct()
            .order_by(CaseItemRow.case_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(CaseItemRow.case_id > after)
        return list(self._session.scalars(query))


def assigned_case_ids(user_id: uuid.UUID) -> Any:
    from app.adapters.db.access_models import CaseAssignmentRow

    return select(CaseAssignmentRow.case_id).where(CaseAssignmentRow.user_id == user_id)


def _write_core(row: CaseRow, case: SharedCase, now: datetime, rows: RowWriter) -> None:
    row.person_id = case.person_id
    row.phase = case.phase.value
    row.lead_institution_id = case.lead_institution_id
    row.contact_person_user_id = case.contact_person.user_id if case.contact_person else None
    row.opened_on = case.opened_on
    row.reassessment_interval_months = case.reassessment_interval_months
    row.current_segment = case.current_segment.value if case.current_segment else None
    row.reassessment_due_on = case.reassessment_due_on
    row.case_ends_on = case.ends_on
    row.updated_at = now
    _sync_participations(row, case, rows)


def _core_of_case(case: SharedCase) -> tuple[object, ...]:
    """What the core's version counts: the columns `_write_core` writes, participants, invitations."""
    return (
        case.person_id,
        case.phase.value,
        case.lead_institution_id,
        case.contact_person.user_id if case.contact_person else None,
        case.opened_on,
        case.reassessment_interval_months,
        case.current_segment.value if case.current_segment else None,
        case.reassessment_due_on,
        case.ends_on,
        tuple(
            (p.id, p.institution_id, p.local_reference, p.joined_on, p.left_on) for p in case.participations
        ),
        _snapshot(case.invitations),
    )


def _core_of_row(row: Any, invitations: list[Invitation]) -> tuple[object, ...]:
    return (
        row.person_id,
        row.phase,
        row.lead_institution_id,
        row.contact_person_user_id,
        row.opened_on,
        row.reassessment_interval_months,
        row.current_segment,
        row.reassessment_due_on,
        row.case_ends_on,
        tuple(
            (p.id, p.institution_id, p.local_reference, p.joined_on, p.left_on) for p in row.participations
        ),
        _snapshot(invitations),
    )


def _snapshot(invitations: list[Invitation]) -> tuple[tuple[object, ...], ...]:
    """The invitations' values as they are now (their fields are plain values: no deep copy needed)."""
    return tuple(tuple(vars(invitation).values()) for invitation in invitations)


def _headers(records: Sequence[ItemRecord]) -> tuple[SealedItem, ...]:
    return tuple(
        SealedItem(r.id, r.kind, DataCategory(r.category), r.owner_institution_id, r.version) for r in records
    )


def _sync_participations(row: CaseRow, case: SharedCase, rows: RowWriter) -> None:
    existing = {p.id: p for p in row.participations}
    for participation in case.participations:
        target = existing.pop(participation.id, None)
        if target is None:
            target = rows.child(row, ParticipationRow, id=participation.id, case_id=case.id)
            row.participations.append(target)
        target.institution_id = participation.institution_id
        target.local_reference = participation.local_reference
        target.joined_on = participation.joined_on
        target.left_on = participation.left_on
    for stale in existing.values():
        row.participations.remove(stale)


def _content_items(case: SharedCase) -> list[Any]:
    singles = [x for x in (case.closure, case.follow_up) if x is not None]
    return [
        *case.segment_history,
        *case.goals,
        *case.measures,
        *case.assessments,
        *case.reviews,
        *case.conferences,
        *case.journal,
        *case.intake_records,
        *case.cooperations,
        *case.notes,
        *singles,
    ]


def _case(
    person_id: uuid.UUID,
    records: Sequence[ItemRecord],
    case: SharedCase,
    items: SealedItems,
    item_ids: set[uuid.UUID],
) -> SharedCase:
    loaded: dict[str, list[Any]] = {}
    for record in records:
        if record.id in item_ids:
            loaded.setdefault(record.kind, []).append(items.open(record, person_id))
    case.segment_history = loaded.get("segment", [])
    case.goals = loaded.get("goal", [])
    case.measures = loaded.get("measure", [])
    case.assessments = loaded.get("assessment", [])
    case.reviews = loaded.get("review", [])
    case.conferences = loaded.get("conference", [])
    case.journal = loaded.get("journal", [])
    case.intake_records = loaded.get("intake", [])
    case.cooperations = loaded.get("cooperation", [])
    case.notes = loaded.get("note", [])
    closure: list[Closure] = loaded.get("closure", [])
    follow_up: list[FollowUp] = loaded.get("follow_up", [])
    case.closure = closure[0] if closure else None
    case.follow_up = follow_up[0] if follow_up else None
    return case


def _skeleton(row: Any) -> SharedCase:  # the plain case row `_row` reads, with its participations
    """The case without content: what the policy needs to decide before anything is decrypted."""
    contact = (
        ContactPerson(row.contact_person_user_id, row.lead_institution_id)
        if row.contact_person_user_id is not None
        else None
    )
    return SharedCase(
        person_id=row.person_id,
        opened_on=row.opened_on,
        lead_institution_id=row.lead_institution_id,
        participations=[
            Participation(p.institution_id, p.local_reference, p.joined_on, p.left_on, p.id)
            for p in row.participations
        ],
        contact_person=contact,
        phase=CasePhase(row.phase),
        reassessment_interval_months=row.reassessment_interval_months,
        id=row.id,
        version=row.version,
        ends_on=row.case_ends_on,
    )


def _summary(row: Any, participants: frozenset[uuid.UUID]) -> CaseSummary:
    return CaseSummary(
        id=row.id,
        person_id=row.person_id,
        phase=CasePhase(row.phase),
        lead_institution_id=row.lead_institution_id,
        opened_on=row.opened_on,
        current_segment=Segment(row.current_segment) if row.current_segment else None,
        reassessment_due_on=row.reassessment_due_on,
        version=row.version,
        participant_institution_ids=participants,
    )


def encode_cursor(opened_on: date, case_id: uuid.UUID) -> str:
    raw = json.dumps({"o": opened_on.isoformat(), "i": str(case_id)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _sort_column(key: CaseSortKey) -> Any:
    if key is CaseSortKey.DOSSIER:
        return ParticipationRow.local_reference
    if key is CaseSortKey.PHASE:  # in the order of a case's life, not of the stored words
        return sa_case({p.value: n for n, p in enumerate(CasePhase)}, value=CaseRow.phase)
    if key is CaseSortKey.SEGMENT:
        return sa_case({s.value: n for n, s in enumerate(Segment)}, value=CaseRow.current_segment)
    if key is CaseSortKey.REASSESSMENT:
        return CaseRow.reassessment_due_on
    return CaseRow.opened_on


def encode_offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"n": offset}).encode()).decode().rstrip("=")


def decode_offset_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["n"]
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidValue("Der Cursor ist ungültig.", "cursor") from error
    if not isinstance(offset, int) or not 0 <= offset <= 1_000_000:
        raise InvalidValue("Der Cursor ist ungültig.", "cursor")
    return offset


def decode_cursor(cursor: str) -> tuple[date, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        return date.fromisoformat(data["o"]), uuid.UUID(data["i"])
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidValue("Der Cursor ist ungültig.", "cursor") from error


_audit_events: Table = AuditEventRow.__table__  # type: ignore[assignment]


class SqlAuditRecorder:
    """The foundation's audit adapter: plain append-only rows in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, event: AuditEvent) -> None:
        # A Core INSERT on the session's connection: no unit-of-work bookkeeping for a row that is
        # never read back in the same transaction.
        rows_of(self._session).insert(
            _audit_events,
            [
                dict(
                    id=event.id,
                    occurred_at=event.occurred_at,
                    actor_id=event.actor_id,
                    actor_kind=event.actor_kind,
                    actor_name=event.actor_name,
                    institution_id=event.institution_id,
                    roles=list(event.roles),
                    action=event.action.value,
                    operation=event.operation,
                    outcome=event.outcome.value,
                    reason=event.reason,
                    correlation_id=event.correlation_id,
                    case_id=event.case_id,
                    person_id=event.person_id,
                    categories=[c.value for c in event.categories],
                    withheld_categories=[c.value for c in event.withheld_categories],
                    bases=list(event.bases),
                    purpose=event.purpose,
                    recipient_institution_id=event.recipient_institution_id,
                    record_ids=[str(r) for r in event.record_ids],
                ),
            ],
        )
