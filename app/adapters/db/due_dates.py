"""Which cases can have something due: asked of the plain due dates beside the sealed content
(`cases`, `case_items.due_on`, `consents`, `case_invitations`), so the Pendenzen open only
those cases and never every case of the institution."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from app.adapters.db.access_models import ConsentRow
from app.adapters.db.models import CaseItemRow, CaseRow, ParticipationRow
from app.adapters.db.process_models import InvitationRow
from app.domain.cases import CasePhase, InvitationStatus
from app.domain.pendenzen import DueWindow

# Items written before their date was kept in plain text (`due_kind` NULL) may carry one.
DATED_ITEM_KINDS = ("goal", "measure", "review", "conference")


def can_be_due(window: DueWindow, institution_id: uuid.UUID) -> Any:
    """The condition on a `cases` row: something on the case may be due by `window.due_by`."""
    item_due = exists().where(
        CaseItemRow.case_id == CaseRow.id,
        or_(
            CaseItemRow.due_on <= window.due_by,
            and_(CaseItemRow.due_kind.is_(None), CaseItemRow.kind.in_(DATED_ITEM_KINDS)),
        ),
    )
    consent_due = exists().where(
        ConsentRow.case_id == CaseRow.id,
        ConsentRow.revoked_at.is_(None),
        ConsentRow.superseded_at.is_(None),
        or_(ConsentRow.valid_until <= window.consents_until, ConsentRow.awaiting_confirmation),
    )
    invitation_open = exists().where(
        InvitationRow.case_id == CaseRow.id,
        InvitationRow.status == InvitationStatus.PENDING.value,
        or_(
            InvitationRow.institution_id == institution_id,
            InvitationRow.invited_by_institution_id == institution_id,
        ),
    )
    return or_(
        CaseRow.reassessment_due_on <= window.due_by,
        and_(
            CaseRow.phase == CasePhase.INTAKE.value,
            CaseRow.current_segment.is_(None),
            CaseRow.opened_on <= window.intake_opened_by,
        ),
        CaseRow.case_ends_on <= window.due_by,
        item_due,
        consent_due,
        invitation_open,
    )


def due_case_ids(
    session: Session,
    institution_id: uuid.UUID,
    window: DueWindow,
    assigned_case_ids: Any | None = None,
) -> list[uuid.UUID]:
    """The institution's cases (as an active participant) on which something can be due: one statement."""
    query = (
        select(CaseRow.id)
        .join(
            ParticipationRow,
            and_(
                ParticipationRow.case_id == CaseRow.id,
                ParticipationRow.institution_id == institution_id,
                ParticipationRow.left_on.is_(None),
            ),
        )
        .where(CaseRow.phase != CasePhase.ARCHIVED.value, can_be_due(window, institution_id))
        .order_by(CaseRow.opened_on, CaseRow.id)
    )
    if assigned_case_ids is not None:
        query = query.where(CaseRow.id.in_(assigned_case_ids))
    return list(dict.fromkeys(session.scalars(query)))
