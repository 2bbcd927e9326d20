"""Which audited writes announce which change event, and who may hear of it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.consent import Flow
from app.domain.events import ChangeEvent, EventType, event_for, visible_categories
from app.domain.principal import Principal, PrincipalKind
from tests.unit.builders import IV_STELLE, NOW, RAV, SOZIALDIENST, open_case, with_rav
from tests.unit.test_consent_and_rules import consent, grants


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
        "source_institution_id",
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


def _exhaustion_threatens() -> ChangeEvent:
    return ChangeEvent(EventType.EXHAUSTION_THREATENS, uuid.uuid4(), NOW, RAV, (DataCategory.ARBEITSMARKT,))


def test_aussteuerung_droht_reaches_the_sozialdienst_with_the_consent_for_the_rav_data() -> None:
    case = with_rav(open_case())
    released = consent(
        flows=(Flow(RAV, SOZIALDIENST), Flow(SOZIALDIENST, RAV)),
        categories=frozenset({DataCategory.ARBEITSMARKT, DataCategory.POTENZIAL}),
    )
    sd = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "sd", SOZIALDIENST)
    event = _exhaustion_threatens()

    assert visible_categories(sd, case, event, grants=grants(released)) == (DataCategory.ARBEITSMARKT,)
    assert visible_categories(sd, case, event, grants=grants()) is None  # no consent: not told at all


def test_aussteuerung_droht_is_meant_for_the_sozialdienst_only() -> None:
    case = with_rav(open_case())
    rav = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "rav", RAV)
    iv = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "iv", IV_STELLE)

    assert visible_categories(rav, case, _exhaustion_threatens(), grants=grants()) is None
    assert visible_categories(iv, case, _exhaustion_threatens(), grants=grants()) is None
