"""Repository of the institutions' dossiers on shared cases.

The facts are sealed like case items: under the data key of the case's person, bound to their
row. `of_case` opens only the dossiers its `reveal` allows; the others stay sealed and are left out.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.adapters.crypto.blind_index import IndexedColumn, normalise_ahvn13
from app.adapters.crypto.envelope import Place
from app.adapters.db.dossier_models import DossierRow
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.models import CaseRow, ParticipationRow
from app.adapters.db.repositories import RELATED_BY_AHVN13
from app.adapters.db.sealing import open_json, read_person, seal_json
from app.adapters.row_writer import rows_of
from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.errors import DataDestroyed
from app.domain.exchange import DossierReveal, InstitutionDossier, KnownClient, PersonFacts
from app.domain.institutions import InstitutionKind

_DOSSIERS = DossierRow.__table__
_CASES = CaseRow.__table__
# Plain rows for the read (no ORM object per dossier): every case page and case read runs it.
_OF_CASE = (
    select(
        _DOSSIERS.c.id,
        _DOSSIERS.c.case_id,
        _DOSSIERS.c.institution_id,
        _DOSSIERS.c.kind,
        _DOSSIERS.c.category,
        _DOSSIERS.c.local_reference,
        _DOSSIERS.c.registered_on,
        _DOSSIERS.c.sealed_facts,
        _CASES.c.person_id,
    )
    .join(_CASES, _CASES.c.id == _DOSSIERS.c.case_id)
    .where(_DOSSIERS.c.case_id == bindparam("case_id"))
    .order_by(_DOSSIERS.c.registered_on)
)


_PARTICIPANTS = ParticipationRow.__table__
# The open case of each person in which the institution actively takes part, with its reference there
# (a person has at most one case that is not archived).
_OPEN_CASES_TAKING_PART = (
    select(_CASES.c.id, _CASES.c.person_id, _PARTICIPANTS.c.local_reference)
    .join(_PARTICIPANTS, _PARTICIPANTS.c.case_id == _CASES.c.id)
    .where(
        _CASES.c.person_id.in_(bindparam("person_ids", expanding=True)),
        _CASES.c.phase != CasePhase.ARCHIVED.value,
        _PARTICIPANTS.c.institution_id == bindparam("institution_id"),
        _PARTICIPANTS.c.left_on.is_(None),
    )
)
_OF_INSTITUTION_ON_CASES = select(_DOSSIERS).where(
    _DOSSIERS.c.case_id.in_(bindparam("case_ids", expanding=True)),
    _DOSSIERS.c.institution_id == bindparam("institution_id"),
)


def dossier_place(dossier_id: uuid.UUID, person_id: uuid.UUID) -> Place:
    return Place("institution_dossiers", "sealed_facts", dossier_id, person_id)


class SqlDossierRepository:
    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys
        self._person_of_case: dict[uuid.UUID, uuid.UUID] = {}  # a case's person never changes

    def of_case(self, case_id: uuid.UUID, reveal: DossierReveal | None = None) -> list[InstitutionDossier]:
        rows = self._session.connection().execute(_OF_CASE, {"case_id": case_id})
        return [
            self._dossier(row, row.person_id)
            for row in rows
            if reveal is None or reveal(DataCategory(row.category), row.institution_id)
        ]

    def get(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> InstitutionDossier | None:
        found = self._session.execute(
            select(DossierRow, CaseRow.person_id)
            .join(CaseRow, CaseRow.id == DossierRow.case_id)
            .where(DossierRow.case_id == case_id, DossierRow.institution_id == institution_id)
        ).first()
        if found is None:
            return None
        row, self._person_of_case[case_id] = found
        return self._dossier(row, self._person_of_case[case_id])

    def save(self, dossier: InstitutionDossier, *, new: bool = False) -> None:
        """Insert or replace the institution's dossier on the case; `new`: the caller knows there is
        none yet (the case was opened in this unit of work), so nothing is looked up. A dossier `get`
        read is taken from the session (which also forgets what a rolled-back savepoint added)."""
        row: DossierRow | None = None
        if not new:
            row = self._session.identity_map.get(self._session.identity_key(DossierRow, dossier.id))
            if row is None or (row.case_id, row.institution_id) != (dossier.case_id, dossier.institution_id):
                row = self._row(dossier.case_id, dossier.institution_id)
        if row is None:
            row = rows_of(self._session).new(
                DossierRow,
                id=dossier.id,
                case_id=dossier.case_id,
                institution_id=dossier.institution_id,
                version=0,
            )
        person_id = self._person_of(dossier.case_id)
        row.kind = dossier.kind.value
        row.category = dossier.category.value
        row.local_reference = dossier.local_reference
        row.registered_on = dossier.registered_on
        row.sealed_facts = seal_json(
            self._keys.data_key(person_id), dossier_place(row.id, person_id), dict(dossier.facts)
        )
        row.updated_at = datetime.now(UTC)
        row.version += 1
        rows_of(self._session).flush()

    def known_clients(
        self, persons: Sequence[PersonFacts], institution_id: uuid.UUID
    ) -> list[KnownClient | None]:
        """Four statements for the whole list: the related registrations of all AHVN13 (every index
        key version), the open cases taking part, the data keys, the dossiers."""
        connection = self._session.connection()
        lookups = [
            self._keys.indexes_for_lookup(IndexedColumn.AHVN13, normalise_ahvn13(p.ahvn13.digits))
            for p in persons
        ]
        wanted = sorted({index for indexes in lookups for index in indexes})
        parameters = {"indexes": wanted, "institution_id": institution_id}
        by_index: defaultdict[bytes, list[Any]] = defaultdict(list)
        for row in connection.execute(RELATED_BY_AHVN13, parameters) if wanted else ():
            by_index[row.ahvn13_index].append(row)
        registrations = []
        for indexes in lookups:
            found = {row.id: row for index in indexes for row in by_index.get(index, ())}
            registrations.append(next(iter(found.values())) if len(found) == 1 else None)
        person_ids = {row.id for row in registrations if row is not None}
        parameters = {"person_ids": sorted(person_ids), "institution_id": institution_id}
        taking_part = connection.execute(_OPEN_CASES_TAKING_PART, parameters).all() if person_ids else []
        rows_per_person = Counter(row.person_id for row in taking_part)
        # Two active participations of one institution in one case only the domain prevents: should
        # the data say otherwise, the record goes its own way rather than guess which one it reads.
        cases = {row.person_id: row for row in taking_part if rows_per_person[row.person_id] == 1}
        parameters = {"case_ids": sorted(row.id for row in cases.values()), "institution_id": institution_id}
        dossiers = (
            {row.case_id: row for row in connection.execute(_OF_INSTITUTION_ON_CASES, parameters)}
            if cases
            else {}
        )
        self._keys.preload_data_keys({row.person_id for row in cases.values()})
        known: list[KnownClient | None] = []
        for registration in registrations:
            case = cases.get(registration.id) if registration is not None else None
            if registration is None or case is None:
                known.append(None)
                continue
            try:
                person = read_person(self._keys, registration)
                stored = dossiers.get(case.id)
                dossier = self._dossier(stored, registration.id) if stored is not None else None
            except DataDestroyed:
                known.append(None)  # left to the record's own way, which answers it as always
                continue
            known.append(KnownClient(person, case.id, case.local_reference, dossier))
        return known

    def institutions_with_dossier(self, case_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not case_ids:
            return set()
        query = select(DossierRow.institution_id).where(DossierRow.case_id.in_(set(case_ids)))
        return set(self._session.scalars(query))

    def _person_of(self, case_id: uuid.UUID) -> uuid.UUID:
        known = self._person_of_case.get(case_id)
        if known is not None:
            return known
        added = rows_of(self._session).added(CaseRow, case_id)
        if added is not None:  # the case was added or loaded in this unit of work: no statement
            return added.person_id
        person_id = self._session.scalar(select(CaseRow.person_id).where(CaseRow.id == case_id))
        assert person_id is not None, "a dossier belongs to a stored case"
        self._person_of_case[case_id] = person_id
        return person_id

    def _row(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> DossierRow | None:
        return self._session.scalar(
            select(DossierRow).where(
                DossierRow.case_id == case_id, DossierRow.institution_id == institution_id
            )
        )

    def _dossier(self, row: Any, person_id: uuid.UUID) -> InstitutionDossier:
        """`row`: a `DossierRow` or a plain row of the same columns."""
        facts = open_json(self._keys.data_key(person_id), dossier_place(row.id, person_id), row.sealed_facts)
        return InstitutionDossier(
            case_id=row.case_id,
            institution_id=row.institution_id,
            kind=InstitutionKind(row.kind),
            local_reference=row.local_reference,
            registered_on=row.registered_on,
            facts=facts,
            id=row.id,
        )
