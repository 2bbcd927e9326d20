"""Loading and writing a case's invitations next to the case row."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.adapters.db.process_models import InvitationRow
from app.adapters.row_writer import rows_of
from app.domain.cases import Invitation, InvitationKind, InvitationStatus, SharedCase

_INVITATIONS = InvitationRow.__table__
_OF_CASE = (
    select(_INVITATIONS)
    .where(_INVITATIONS.c.case_id == bindparam("case_id"))
    .order_by(_INVITATIONS.c.invited_on)
)
_ROWS_OF_CASE = select(InvitationRow).where(InvitationRow.case_id == bindparam("case_id"))


def load_invitations(session: Session, case_id: uuid.UUID) -> list[Invitation]:
    """Plain rows, no ORM objects: every case load runs this."""
    return [_invitation(row) for row in session.connection().execute(_OF_CASE, {"case_id": case_id})]


def sync_invitations(session: Session, case: SharedCase, *, new: bool = False) -> None:
    """`new`: the case was added in this unit of work and has no stored invitations yet."""
    existing = {} if new else {row.id: row for row in session.scalars(_ROWS_OF_CASE, {"case_id": case.id})}
    for invitation in case.invitations:
        row = existing.get(invitation.id)
        if row is None:
            row = rows_of(session).new(InvitationRow, id=invitation.id, case_id=case.id)
        row.kind = invitation.kind.value
        row.institution_id = invitation.institution_id
        row.invited_by_institution_id = invitation.invited_by_institution_id
        row.invited_by = invitation.invited_by
        row.invited_on = invitation.invited_on
        row.local_reference = invitation.local_reference
        row.status = invitation.status.value
        row.answered_on = invitation.answered_on
        row.answered_by = invitation.answered_by
        row.note_id = invitation.note_id


def pending_invitation_case_ids(session: Session, institution_id: uuid.UUID) -> list[uuid.UUID]:
    """Cases where `institution_id` has an open invitation (it is not, or not yet, their lead)."""
    query = select(InvitationRow.case_id).where(
        InvitationRow.institution_id == institution_id, InvitationRow.status == InvitationStatus.PENDING.value
    )
    return list(dict.fromkeys(session.scalars(query)))


def _invitation(row: Any) -> Invitation:
    """`row`: an `InvitationRow` or a plain row of its columns."""
    return Invitation(
        kind=InvitationKind(row.kind),
        institution_id=row.institution_id,
        invited_by_institution_id=row.invited_by_institution_id,
        invited_by=row.invited_by,
        invited_on=row.invited_on,
        local_reference=row.local_reference,
        status=InvitationStatus(row.status),
        answered_on=row.answered_on,
        answered_by=row.answered_by,
        note_id=row.note_id,
        id=row.id,
    )
