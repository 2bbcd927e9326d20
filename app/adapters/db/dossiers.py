"""Repository of the institutions' dossiers on shared cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.db.dossier_models import DossierRow
from app.domain.exchange import InstitutionDossier
from app.domain.institutions import InstitutionKind


class SqlDossierRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of_case(self, case_id: uuid.UUID) -> list[InstitutionDossier]:
        rows = self._session.scalars(
            select(DossierRow).where(DossierRow.case_id == case_id).order_by(DossierRow.registered_on)
        )
        return [_dossier(row) for row in rows]

    def get(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> InstitutionDossier | None:
        row = self._row(case_id, institution_id)
        return _dossier(row) if row else None

    def save(self, dossier: InstitutionDossier) -> None:
        """Insert or replace the institution's dossier on the case."""
        row = self._row(dossier.case_id, dossier.institution_id)
        if row is None:
            row = DossierRow(
                id=dossier.id, case_id=dossier.case_id, institution_id=dossier.institution_id, version=0
            )
            self._session.add(row)
        row.kind = dossier.kind.value
        row.category = dossier.category.value
        row.local_reference = dossier.local_reference
        row.registered_on = dossier.registered_on
        row.facts = dict(dossier.facts)
        row.fingerprint = dossier.fingerprint()
        row.updated_at = datetime.now(UTC)
        row.version += 1
        self._session.flush()

    def institutions_with_dossier(self, case_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not case_ids:
            return set()
        query = select(DossierRow.institution_id).where(DossierRow.case_id.in_(set(case_ids)))
        return set(self._session.scalars(query))

    def _row(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> DossierRow | None:
        return self._session.scalar(
            select(DossierRow).where(
                DossierRow.case_id == case_id, DossierRow.institution_id == institution_id
            )
        )


def _dossier(row: DossierRow) -> InstitutionDossier:
    return InstitutionDossier(
        case_id=row.case_id,
        institution_id=row.institution_id,
        kind=InstitutionKind(row.kind),
        local_reference=row.local_reference,
        registered_on=row.registered_on,
        facts=dict(row.facts),
        id=row.id,
    )
