"""Referrals: sealed under the data key of the person referred, listed by structured columns."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from app.adapters.crypto.envelope import Place
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.process_models import ReferralRow
from app.adapters.db.sealing import open_json, seal_json
from app.domain.errors import DataDestroyed
from app.domain.pendenzen import referral_decision_due_on
from app.domain.referral import Referral, ReferralStatus

_REFERRAL = TypeAdapter(Referral)


def _involving(institution_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(
        ReferralRow.referring_institution_id == institution_id,
        ReferralRow.cm_body_institution_id == institution_id,
        ReferralRow.lead_institution_id == institution_id,
        (ReferralRow.clearing_body_institution_id == institution_id)
        & ReferralRow.status.in_([ReferralStatus.AT_CLEARING.value, ReferralStatus.CLEARED.value]),
    )


def _place(referral_id: uuid.UUID, person_id: uuid.UUID) -> Place:
    return Place("referrals", "sealed_content", referral_id, person_id)


class SqlReferralRepository:
    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys

    def add(self, referral: Referral) -> None:
        row = ReferralRow(id=referral.id, person_id=referral.person_id)
        self._write(row, referral)
        self._session.add(row)
        self._session.flush()

    def get(self, referral_id: uuid.UUID) -> Referral | None:
        row = self._session.get(ReferralRow, referral_id)
        return self._read(row) if row is not None else None

    def save(self, referral: Referral) -> None:
        row = self._session.get(ReferralRow, referral.id)
        assert row is not None
        self._write(row, referral)
        self._session.flush()

    def involving(self, institution_id: uuid.UUID) -> list[Referral]:
        """Referrals the institution is involved in (referring, deciding, clearing, named lead)."""
        query = (
            select(ReferralRow)
            .where(_involving(institution_id))
            .order_by(ReferralRow.referred_on.desc(), ReferralRow.id)
        )
        return self._readable(query, institution_id)

    def _readable(self, query: Select[Any], institution_id: uuid.UUID) -> list[Referral]:
        found = []
        for row in self._session.scalars(query):
            try:
                found.append(self._read(row))
            except DataDestroyed:  # the person's retention ended: nothing of the referral is readable
                continue
        return [r for r in found if institution_id in r.involved_institution_ids]

    def awaiting_decision(self, institution_id: uuid.UUID, due_by: date) -> list[Referral]:
        """Referrals awaiting a decision by `due_by` that the institution is involved in."""
        query = (
            select(ReferralRow)
            .where(ReferralRow.decision_due_on <= due_by, _involving(institution_id))
            .order_by(ReferralRow.decision_due_on, ReferralRow.id)
        )
        return self._readable(query, institution_id)

    def _write(self, row: ReferralRow, referral: Referral) -> None:
        row.referring_institution_id = referral.referring_institution_id
        row.cm_body_institution_id = referral.cm_body_institution_id
        row.clearing_body_institution_id = referral.clearing_body_institution_id
        row.lead_institution_id = referral.lead_institution_id
        row.status = referral.status.value
        row.referred_on = referral.referred_on
        row.case_id = referral.case_id
        row.decision_due_on = referral_decision_due_on(referral)
        content = _REFERRAL.dump_python(referral, mode="json")
        row.sealed_content = seal_json(
            self._keys.data_key(referral.person_id), _place(referral.id, referral.person_id), content
        )

    def _read(self, row: ReferralRow) -> Referral:
        content = open_json(
            self._keys.data_key(row.person_id), _place(row.id, row.person_id), row.sealed_content
        )
        return _REFERRAL.validate_python(content)
