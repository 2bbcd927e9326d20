"""Repositories of consent-scoped access: consents (with history and evidence), assignments, break-glass."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.adapters.crypto.envelope import Place
from app.adapters.db.access_models import (
    BreakGlassRow,
    CaseAssignmentRow,
    ConsentEventRow,
    ConsentEvidenceFileRow,
    ConsentRow,
)
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.models import CaseRow
from app.adapters.db.repositories import _flush
from app.domain.assignments import CaseAssignment
from app.domain.break_glass import BreakGlass
from app.domain.categories import DataCategory
from app.domain.consent import Consent, ConsentEvent, ConsentEventKind, Evidence, Flow
from app.domain.errors import StaleVersion


def _dump_flow(flow: Flow) -> str:
    return f"{flow.from_institution_id}>{flow.to_institution_id}"


def _load_flow(text: str) -> Flow:
    source, target = text.split(">")
    return Flow(uuid.UUID(source), uuid.UUID(target))


def evidence_place(consent_id: uuid.UUID, person_id: uuid.UUID) -> Place:
    return Place("consent_evidence_files", "content", consent_id, person_id)


# The statements of every protected read, built once (building a select costs more than running it),
# read as plain rows (no ORM object per row).
_CONSENTS = ConsentRow.__table__
_CONSENTS_OF_CASE = (
    select(_CONSENTS).where(_CONSENTS.c.case_id == bindparam("case_id")).order_by(_CONSENTS.c.granted_at)
)
_ASSIGNMENTS = CaseAssignmentRow.__table__
_IS_ASSIGNED = select(_ASSIGNMENTS.c.id).where(
    _ASSIGNMENTS.c.case_id == bindparam("case_id"), _ASSIGNMENTS.c.user_id == bindparam("user_id")
)


class SqlConsentRepository:
    """Consents in the clear (the policy reads them on every request); the signed form sealed under
    the person's data key, like every document."""

    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys

    def add(self, consent: Consent, evidence_file: bytes) -> None:
        row = ConsentRow(id=consent.id, version=consent.version)
        _write(row, consent)
        self._session.add(row)
        _flush(self._session)  # no ORM relationship orders the two inserts: the consent goes first
        sealed = self._keys.data_key(consent.person_id).seal(
            evidence_place(consent.id, consent.person_id), evidence_file
        )
        self._session.add(ConsentEvidenceFileRow(consent_id=consent.id, content=sealed))
        _flush(self._session)

    def get(self, consent_id: uuid.UUID) -> Consent | None:
        row = self._session.get(ConsentRow, consent_id)
        return _consent(row) if row else None

    def for_case(self, case_id: uuid.UUID) -> list[Consent]:
        rows = self._session.connection().execute(_CONSENTS_OF_CASE, {"case_id": case_id})
        return [_consent(row) for row in rows]

    def for_cases(self, case_ids: Sequence[uuid.UUID]) -> list[Consent]:
        query = (
            select(ConsentRow).where(ConsentRow.case_id.in_(list(case_ids))).order_by(ConsentRow.granted_at)
        )
        return [_consent(row) for row in self._session.scalars(query)]

    def awaiting_owner(self, institution_id: uuid.UUID, now: datetime) -> list[Consent]:
        """Consents still in time that release data of `institution_id` without its confirmation."""
        query = (
            select(ConsentRow)
            .where(
                ConsentRow.revoked_at.is_(None),
                ConsentRow.superseded_at.is_(None),
                ConsentRow.valid_until > now,
            )
            .order_by(ConsentRow.granted_at)
        )
        waiting = []
        for row in self._session.scalars(query):
            consent = _consent(row)
            if institution_id in consent.owners and institution_id not in consent.confirmed_by:
                waiting.append(consent)
        return waiting

    def save(self, consent: Consent) -> None:
        row = self._session.get(ConsentRow, consent.id)
        if row is None or row.version != consent.version:
            raise StaleVersion()
        _write(row, consent)
        row.version = consent.version + 1
        _flush(self._session)
        consent.version += 1

    def append_event(self, event: ConsentEvent) -> None:
        self._session.add(
            ConsentEventRow(
                id=event.id,
                consent_id=event.consent_id,
                kind=event.kind.value,
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_institution_id=event.actor_institution_id,
                note=event.note,
                related_consent_id=event.related_consent_id,
            )
        )
        _flush(self._session)

    def history(self, consent_id: uuid.UUID) -> list[ConsentEvent]:
        query = select(ConsentEventRow).where(ConsentEventRow.consent_id == consent_id)
        return [
            ConsentEvent(
                consent_id=row.consent_id,
                kind=ConsentEventKind(row.kind),
                occurred_at=row.occurred_at,
                actor_id=row.actor_id,
                actor_institution_id=row.actor_institution_id,
                note=row.note,
                related_consent_id=row.related_consent_id,
                id=row.id,
            )
            for row in self._session.scalars(query.order_by(ConsentEventRow.seq))
        ]

    def evidence_file(self, consent_id: uuid.UUID) -> bytes | None:
        row = self._session.get(ConsentEvidenceFileRow, consent_id)
        consent = self._session.get(ConsentRow, consent_id)
        if row is None or consent is None:
            return None
        key = self._keys.data_key(consent.person_id)
        return key.open(evidence_place(consent_id, consent.person_id), row.content)


def _write(row: ConsentRow, consent: Consent) -> None:
    evidence = consent.evidence
    row.person_id = consent.person_id
    row.case_id = consent.case_id
    row.flows = [_dump_flow(f) for f in consent.flows]
    row.categories = sorted(c.value for c in consent.categories)
    row.purpose = consent.purpose
    row.valid_from = consent.valid_from
    row.valid_until = consent.valid_until
    row.evidence_sha256 = evidence.sha256
    row.form_version = evidence.form_version
    row.collected_by_user_id = evidence.collected_by_user_id
    row.collected_at = evidence.collected_at
    row.language = evidence.language
    row.media_type = evidence.media_type
    row.evidence_size = evidence.size
    row.granted_by_id = consent.granted_by_id
    row.granted_by_institution_id = consent.granted_by_institution_id
    row.granted_at = consent.granted_at
    row.revoked_at = consent.revoked_at
    row.confirmed_by = sorted(str(i) for i in consent.confirmed_by)
    row.awaiting_confirmation = bool(consent.owners - consent.confirmed_by)
    row.revoked_by_id = consent.revoked_by_id
    row.revocation_reason = consent.revocation_reason
    row.revocation_bars_break_glass = consent.revocation_bars_break_glass
    row.superseded_at = consent.superseded_at
    row.superseded_by_id = consent.superseded_by_id
    row.supersedes_id = consent.supersedes_id


def _consent(row: Any) -> Consent:
    """`row`: a `ConsentRow` or a plain row of its columns."""
    return Consent(
        person_id=row.person_id,
        case_id=row.case_id,
        flows=tuple(_load_flow(f) for f in row.flows),
        categories=frozenset(DataCategory(c) for c in row.categories),
        purpose=row.purpose,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        evidence=Evidence(
            sha256=row.evidence_sha256,
            form_version=row.form_version,
            collected_by_user_id=row.collected_by_user_id,
            collected_at=row.collected_at,
            language=row.language,
            media_type=row.media_type,
            size=row.evidence_size,
        ),
        granted_by_id=row.granted_by_id,
        granted_by_institution_id=row.granted_by_institution_id,
        granted_at=row.granted_at,
        revoked_at=row.revoked_at,
        revoked_by_id=row.revoked_by_id,
        revocation_reason=row.revocation_reason,
        revocation_bars_break_glass=row.revocation_bars_break_glass,
        superseded_at=row.superseded_at,
        superseded_by_id=row.superseded_by_id,
        supersedes_id=row.supersedes_id,
        id=row.id,
        version=row.version,
        confirmed_by=frozenset(uuid.UUID(i) for i in row.confirmed_by),
    )


class SqlAssignmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, assignment: CaseAssignment) -> None:
        self._session.add(
            CaseAssignmentRow(
                id=assignment.id,
                case_id=assignment.case_id,
                user_id=assignment.user_id,
                institution_id=assignment.institution_id,
                assigned_by_id=assignment.assigned_by_id,
                assigned_at=assignment.assigned_at,
            )
        )
        _flush(self._session)

    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        row = self._session.scalar(
            select(CaseAssignmentRow).where(
                CaseAssignmentRow.case_id == case_id, CaseAssignmentRow.user_id == user_id
            )
        )
        if row is None:
            return False
        self._session.delete(row)
        _flush(self._session)
        return True

    def is_assigned(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        found = (
            self._session.connection().execute(_IS_ASSIGNED, {"case_id": case_id, "user_id": user_id}).first()
        )
        return found is not None

    def for_case(self, case_id: uuid.UUID) -> list[CaseAssignment]:
        query = select(CaseAssignmentRow).where(CaseAssignmentRow.case_id == case_id)
        return [
            CaseAssignment(r.case_id, r.user_id, r.institution_id, r.assigned_by_id, r.assigned_at, r.id)
            for r in self._session.scalars(query.order_by(CaseAssignmentRow.assigned_at))
        ]

    def assigned_to_case_of_person(self, user_id: uuid.UUID, person_id: uuid.UUID) -> bool:
        query = (
            select(CaseAssignmentRow.id)
            .join(CaseRow, CaseRow.id == CaseAssignmentRow.case_id)
            .where(CaseAssignmentRow.user_id == user_id, CaseRow.person_id == person_id)
            .limit(1)
        )
        return self._session.scalar(query) is not None


class SqlBreakGlassRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, opening: BreakGlass) -> None:
        self._session.add(
            BreakGlassRow(
                id=opening.id,
                case_id=opening.case_id,
                user_id=opening.user_id,
                institution_id=opening.institution_id,
                reason=opening.reason,
                opened_at=opening.opened_at,
                expires_at=opening.expires_at,
            )
        )
        _flush(self._session)

    def active(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> BreakGlass | None:
        query = (
            select(BreakGlassRow)
            .where(
                BreakGlassRow.case_id == case_id,
                BreakGlassRow.user_id == user_id,
                BreakGlassRow.opened_at <= now,
                BreakGlassRow.expires_at > now,
            )
            .order_by(BreakGlassRow.expires_at.desc())
            .limit(1)
        )
        row = self._session.scalar(query)
        if row is None:
            return None
        return BreakGlass(
            row.case_id, row.user_id, row.institution_id, row.reason, row.opened_at, row.expires_at, row.id
        )
