"""Change events for Pendenzen falling due: "due soon", "overdue" and "escalated", each raised once
per occasion (the outbox's dedupe key), from the structured columns of the cases only."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.events.case_tables import cases
from app.adapters.events.models import OutboxEventRow
from app.adapters.events.outbox import SqlEventLog
from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from app.domain.pendenzen import PendenzenRules, PendenzKind, Urgency, urgency_of

_TYPES = {Urgency.SOON: EventType.PENDENZ_DUE_SOON, Urgency.DUE: EventType.PENDENZ_DUE_SOON}


def _events_for(urgency: Urgency, due_on: date, today: date, rules: PendenzenRules) -> list[EventType]:
    if urgency is Urgency.OVERDUE:
        escalated = (today - due_on).days > rules.escalation_days
        return [EventType.PENDENZ_OVERDUE, *([EventType.PENDENZ_ESCALATED] if escalated else [])]
    return [_TYPES[urgency]]


def raise_pendenz_events(session: Session, now: datetime, today: date, rules: PendenzenRules) -> int:
    """Raise what is new since the last pass; returns how many events were raised."""
    log = SqlEventLog(session)
    raised = 0
    case = cases.c
    query = select(
        case.id,
        case.lead_institution_id,
        case.phase,
        case.current_segment,
        case.opened_on,
        case.reassessment_due_on,
        case.case_ends_on,
    ).where(case.phase != CasePhase.ARCHIVED.value)
    for case_id, lead, phase, segment, opened_on, reassessment, follow_up in session.execute(query):
        closed = phase in (CasePhase.CLOSED.value, CasePhase.FOLLOW_UP.value)
        due: list[tuple[PendenzKind, date | None]] = [
            (PendenzKind.REASSESSMENT, reassessment),
            (PendenzKind.FOLLOW_UP, follow_up if closed else None),  # the follow-up ends with the case
        ]
        if phase == CasePhase.INTAKE.value and segment is None:
            due.append((PendenzKind.INTAKE_SEGMENT, opened_on + timedelta(days=rules.intake_segment_days)))
        for kind, due_on in due:
            if due_on is None:
                continue
            urgency = urgency_of(due_on, today, rules.preview_days)
            if urgency is None:
                continue
            for event_type in _events_for(urgency, due_on, today, rules):
                key = f"{event_type.value}:{kind.value}:{case_id}:{due_on.isoformat()}"
                if _raised(session, key):
                    continue
                log.add(_event(event_type, case_id, lead, now), dedupe_key=key)
                raised += 1
    return raised


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
