"""Which audited writes announce which change event, and who may hear of it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.events import EventType, event_for, visible_categories
from app.domain.principal import Principal, PrincipalKind
from tests.unit.builders import RAV, SOZIALDIENST, open_case, with_rav


def _audit(action: AuditAction, operation: str, outcome: AuditOutcome = AuditOutcome.ALLOWED) -> AuditEvent:
    principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "t", SOZIALDIENST)
    return AuditEvent.by(
        principal,
        occurred_at=datetime.now(UTC),
        correlation_id="c",
        action=action,
        operation=operation,
        outcome=outcome,
        reason="",
        case_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        categories=(DataCategory.INTEGRATIONSPLAN,),
    )


@pytest.mark.parametrize(
    ("action", "operation", "expected"),
    [
        (AuditAction.CREATE, "cases.open", EventType.CASE_CREATED),
        (AuditAction.CREATE, "import.rav", EventType.CASE_CREATED),
        (AuditAction.CREATE, "plan.add_goal", EventType.CASE_CHANGED),
        (AuditAction.CHANGE, "plan.change_goal", EventType.CASE_CHANGED),
        (AuditAction.CONSENT_GRANT, "consent.grant", EventType.CONSENT_GRANTED),
        (AuditAction.CONSENT_REVOKE, "consent.revoke", EventType.CONSENT_REVOKED),
        (AuditAction.READ, "cases.read", None),
        (AuditAction.DISCLOSE, "export.rav", None),
    ],
)
def test_allowed_writes_announce_events(
    action: AuditAction, operation: str, expected: EventType | None
) -> None:
    event = event_for(_audit(action, operation))
    assert (event.type if event else None) == expected


def test_refused_writes_announce_nothing_and_events_carry_no_person() -> None:
    assert event_for(_audit(AuditAction.CHANGE, "plan.change_goal", AuditOutcome.REFUSED)) is None
    event = event_for(_audit(AuditAction.CHANGE, "plan.change_goal"))
    assert event is not None
    assert set(event.payload(event.categories)) == {
        "id",
        "type",
        "case_id",
        "occurred_at",
        "categories",
        "sequence",
    }


def test_only_participants_hear_of_a_case_and_only_of_categories_they_may_see() -> None:
    case = open_case()
    event = event_for(_audit(AuditAction.CHANGE, "cases.change"))
    assert event is not None
    rav = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "rav", RAV)
    own = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "sd", SOZIALDIENST)

    assert visible_categories(rav, case, event) is None  # not on the case
    assert visible_categories(rav, with_rav(case), event) is None  # on it, but the plan is withheld
    assert visible_categories(own, case, event) == (DataCategory.INTEGRATIONSPLAN,)
