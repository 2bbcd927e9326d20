"""Change events for Pendenzen falling due: "due soon", "overdue" and "escalated", each raised once
per occasion (the outbox's dedupe key), from plain columns only (nothing is decrypted): the case's
reassessment, intake and follow-up dates, the due dates kept beside the sealed items (goals, measures,
Standortbestimmung, conferences and their action items), consents that run out or await a data
owner's confirmation, open invitations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.adapters.events.case_tables import case_items, cases, consents, invitations
from app.adapters.events.models import OutboxEventRow
from app.adapters.events.outbox import SqlEventLog
from app.domain.cases import CasePhase, InvitationStatus
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from app.domain.pendenzen import LOCAL_TIME, DueWindow, PendenzenRules, PendenzKind, Urgency, urgency_of

_TYPES = {Urgency.SOON: EventType.PENDENZ_DUE_SOON, Urgency.DUE: EventType.PENDENZ_DUE_SOON}
_OPEN_PHASES = (CasePhase.INTAKE.value, CasePhase.ACTIVE.value)
_CLOSED_PHASES = (CasePhase.CLOSED.value, CasePhase.FOLLOW_UP.value)
# Goals and Standortbestimmungen are due only while the case is open (as in `pendenzen_of_case`).
_WHILE_OPEN = (PendenzKind.GOAL.value, PendenzKind.REVIEW.value)

# (kind, case, item or None, lead of the case, due date)
_Due = tuple[PendenzKind, uuid.UUID, uuid.UUID | None, uuid.UUID, date]


def _events_for(urgency: Urgency, due_on: date, today: date, rules: PendenzenRules) -> list[EventType]:
    if urgency is Urgency.OVERDUE:
        escalated = (today - due_on).days > rules.escalation_days
        return [EventType.PENDENZ_OVERDUE, *([EventType.PENDENZ_ESCALATED] if escalated else [])]
    return [_TYPES[urgency]]


def raise_pendenz_events(session: Session, now: datetime, today: date, rules: PendenzenRules) -> int:
    """Raise what is new since the last pass; returns how many events were raised."""
    log = SqlEventLog(session)
    window = DueWindow.of(today, rules)
    raised = 0
    for kind, case_id, item_id, lead, due_on in _due(session, window, now, rules):
        urgency = urgency_of(due_on, today, rules.preview_days)
        if urgency is None:
            continue
        for event_type in _events_for(urgency, due_on, today, rules):
            # Case-level dates keep the key they always had; item dates name their item.
            item = f"{item_id}:" if item_id is not None else ""
            key = f"{event_type.value}:{kind.value}:{case_id}:{item}{due_on.isoformat()}"
            if _raised(session, key):
                continue
            log.add(_event(event_type, case_id, lead, now), dedupe_key=key)
            raised += 1
    return raised


def _due(session: Session, window: DueWindow, now: datetime, rules: PendenzenRules) -> Iterator[_Due]:
    not_archived = cases.c.phase != CasePhase.ARCHIVED.value
    case_dates = select(
        cases.c.id,
        cases.c.lead_institution_id,
        cases.c.phase,
        cases.c.current_segment,
        cases.c.opened_on,
        cases.c.reassessment_due_on,
        cases.c.case_ends_on,
    ).where(
        not_archived,
        or_(
            cases.c.reassessment_due_on <= window.due_by,
            cases.c.case_ends_on <= window.due_by,
            and_(cases.c.phase == CasePhase.INTAKE.value, cases.c.current_segment.is_(None)),
        ),
    )
    for case_id, lead, phase, segment, opened_on, reassessment, ends_on in session.execute(case_dates):
        if reassessment is not None:
            yield PendenzKind.REASSESSMENT, case_id, None, lead, reassessment
        if ends_on is not None and phase in _CLOSED_PHASES:  # the follow-up ends with the case
            yield PendenzKind.FOLLOW_UP, case_id, None, lead, ends_on
        if phase == CasePhase.INTAKE.value and segment is None:
            yield (
                PendenzKind.INTAKE_SEGMENT,
                case_id,
                None,
                lead,
                opened_on + timedelta(days=rules.intake_segment_days),
            )
    items = (
        select(
            case_items.c.id,
            case_items.c.case_id,
            case_items.c.due_kind,
            case_items.c.due_on,
            cases.c.lead_institution_id,
            cases.c.phase,
        )
        .join(cases, cases.c.id == case_items.c.case_id)
        .where(case_items.c.due_on <= window.due_by, not_archived)
    )
    for item_id, case_id, kind, due_on, lead, phase in session.execute(items):
        if kind is None or due_on is None or (kind in _WHILE_OPEN and phase not in _OPEN_PHASES):
            continue
        yield PendenzKind(kind), case_id, item_id, lead, due_on
    expiring = (
        select(consents.c.id, consents.c.case_id, consents.c.valid_until, cases.c.lead_institution_id)
        .join(cases, cases.c.id == consents.c.case_id)
        .where(
            not_archived,
            consents.c.revoked_at.is_(None),
            consents.c.superseded_at.is_(None),
            consents.c.valid_from <= now,
            consents.c.valid_until > now,
            consents.c.valid_until < window.consents_until,
        )
    )
    for consent_id, case_id, valid_until, lead in session.execute(expiring):
        yield PendenzKind.CONSENT_EXPIRY, case_id, consent_id, lead, valid_until.astimezone(LOCAL_TIME).date()
    awaiting = (
        select(consents.c.id, consents.c.case_id, consents.c.granted_at, cases.c.lead_institution_id)
        .join(cases, cases.c.id == consents.c.case_id)
        .where(
            not_archived,
            consents.c.awaiting_confirmation,
            consents.c.revoked_at.is_(None),
            consents.c.superseded_at.is_(None),
            consents.c.valid_until > now,
        )
    )
    for consent_id, case_id, granted_at, lead in session.execute(awaiting):
        granted_on = granted_at.astimezone(LOCAL_TIME).date()
        yield PendenzKind.CONSENT_CONFIRMATION, case_id, consent_id, lead, granted_on
    open_invitations = (
        select(invitations.c.id, invitations.c.case_id, invitations.c.invited_on, cases.c.lead_institution_id)
        .join(cases, cases.c.id == invitations.c.case_id)
        .where(not_archived, invitations.c.status == InvitationStatus.PENDING.value)
    )
    for invitation_id, case_id, invited_on, lead in session.execute(open_invitations):
        yield PendenzKind.INVITATION, case_id, invitation_id, lead, invited_on


def _raised(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxEventRow.seq).where(OutboxEventRow.dedupe_key == key)) is not None


def _event(event_type: EventType, case_id: uuid.UUID, lead: uuid.UUID, now: datetime) -> ChangeEvent:
    return ChangeEvent(
        type=event_type,
        case_id=case_id,
        occurred_at=now,
        source_institution_id=lead,
        categories=(DataCategory.FALLFUEHRUNG,),
    )
