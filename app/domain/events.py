"""Change events: thin notices that something happened on a case, for the institutions' systems.

An event carries ids, its type and the data categories touched; never personal data or content.
A subscriber learns of an event only while its institution may open the case, and only of the
categories the policy lets it see (so a revoked consent stops the notices at once).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind
from app.domain.policy import NO_GRANTS, AccessGrants, CaseRelation, decide, may_open_case
from app.domain.principal import Principal


class EventType(StrEnum):
    CASE_CREATED = "case.created"
    CASE_CHANGED = "case.changed"
    CONSENT_GRANTED = "consent.granted"
    CONSENT_REVOKED = "consent.revoked"
    REASSESSMENT_DUE = "case.reassessment_due"
    # The RAV expects the job seeker's entitlement to end (Aussteuerung): the Sozialdienst takes over.
    EXHAUSTION_THREATENS = "case.aussteuerung_droht"
    PENDENZ_DUE_SOON = "pendenz.due_soon"  # within the preview
    PENDENZ_OVERDUE = "pendenz.overdue"
    PENDENZ_ESCALATED = "pendenz.escalated"  # overdue beyond the escalation delay: the supervisor acts


# Who an event type is meant for, when not every participant (by institution kind).
EVENT_RECIPIENT_KINDS = {EventType.EXHAUSTION_THREATENS: frozenset({InstitutionKind.SOZIALDIENST})}


@dataclass(frozen=True)
class ChangeEvent:
    type: EventType
    case_id: uuid.UUID
    occurred_at: datetime
    source_institution_id: uuid.UUID
    categories: tuple[DataCategory, ...] = ()
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    sequence: int = 0  # position in the outbox; 0 until stored

    def payload(self, categories: tuple[DataCategory, ...]) -> dict[str, object]:
        """What a subscriber receives: ids, type, time, the institution whose data changed and the
        categories it may know of; never content. With source and category a system pulls exactly
        the new entries (the export's shared sections name the same source and category)."""
        return {
            "id": str(self.id),
            "type": self.type.value,
            "case_id": str(self.case_id),
            "occurred_at": self.occurred_at.isoformat(),
            "source_institution_id": str(self.source_institution_id),
            "categories": [c.value for c in categories],
            "sequence": self.sequence,
        }


_ACTION_TYPES = {
    AuditAction.CONSENT_GRANT: EventType.CONSENT_GRANTED,
    AuditAction.CONSENT_REVOKE: EventType.CONSENT_REVOKED,
}
_CREATING_OPERATIONS = ("cases.open", "import.")


def event_for(audit: AuditEvent) -> ChangeEvent | None:
    """The change event an audited, allowed write on a case announces (None for reads and refusals)."""
    if audit.outcome is not AuditOutcome.ALLOWED or audit.case_id is None:
        return None
    if audit.action in _ACTION_TYPES:
        event_type = _ACTION_TYPES[audit.action]
    elif audit.action is AuditAction.CREATE and audit.operation.startswith(_CREATING_OPERATIONS):
        event_type = EventType.CASE_CREATED
    elif audit.action in (AuditAction.CREATE, AuditAction.CHANGE):
        event_type = EventType.CASE_CHANGED
    else:
        return None
    return ChangeEvent(
        type=event_type,
        case_id=audit.case_id,
        occurred_at=audit.occurred_at,
        source_institution_id=audit.institution_id,
        categories=tuple(sorted(set(audit.categories))),
    )


def visible_categories(
    subscriber: Principal,
    case: CaseRelation,
    event: ChangeEvent,
    assigned: bool = False,
    grants: AccessGrants = NO_GRANTS,
) -> tuple[DataCategory, ...] | None:
    """The categories `subscriber` may learn changed; None if it may not hear of the event at all."""
    if not may_open_case(subscriber, case, assigned, grants).allow:
        return None
    meant_for = EVENT_RECIPIENT_KINDS.get(event.type)
    if meant_for is not None and grants.institution_kinds.get(subscriber.institution_id) not in meant_for:
        return None
    source = event.source_institution_id
    allowed = tuple(c for c in event.categories if decide(subscriber, case, c, source, grants).allow)
    if event.categories and not allowed:
        return None
    return allowed
