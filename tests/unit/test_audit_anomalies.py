"""Anomaly rules for the DPO, each on events built by hand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.audit_anomalies import AnomalyKind, find_anomalies
from app.domain.categories import DataCategory
from tests.unit.audit_chain_builders import event

TUESDAY_10 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 10:00 in Solothurn


def _at(minutes: float, **changes: object):
    return event(0, id=uuid.uuid4(), occurred_at=TUESDAY_10 + timedelta(minutes=minutes), **changes)


def _kinds(events) -> list[AnomalyKind]:
    return [a.kind for a in find_anomalies(events)]


def test_an_ordinary_read_during_office_hours_is_no_anomaly() -> None:
    assert _kinds([_at(0)]) == []


def test_a_read_without_participation_is_flagged() -> None:
    assert _kinds([_at(0, bases=("consent:" + str(uuid.uuid4()),))]) == [
        AnomalyKind.READ_WITHOUT_PARTICIPATION
    ]


def test_break_glass_opening_and_reads_under_it_are_flagged() -> None:
    basis = f"break_glass:{uuid.uuid4()}"
    found = _kinds([_at(0, action=AuditAction.BREAK_GLASS, case_id=None), _at(1, bases=(basis,))])
    assert found.count(AnomalyKind.BREAK_GLASS) == 2


def test_special_category_read_on_a_rule_instead_of_consent_is_flagged() -> None:
    read = _at(0, bases=("participation", "rule:avig-35a"), categories=(DataCategory.GESUNDHEIT,))
    assert AnomalyKind.SPECIAL_WITHOUT_CONSENT in _kinds([read])
    consented = _at(
        0, bases=("participation", f"consent:{uuid.uuid4()}"), categories=(DataCategory.GESUNDHEIT,)
    )
    assert AnomalyKind.SPECIAL_WITHOUT_CONSENT not in _kinds([consented])


def test_night_and_sunday_access_is_flagged() -> None:
    assert _kinds([_at(60 * 13)]) == [AnomalyKind.UNUSUAL_HOURS]  # 23:00
    assert _kinds([_at(60 * 24 * 5)]) == [AnomalyKind.UNUSUAL_HOURS]  # Sunday 10:00


def test_a_burst_of_denials_links_all_its_events() -> None:
    denials = [_at(i, outcome=AuditOutcome.DENIED) for i in range(5)]
    found = [a for a in find_anomalies(denials) if a.kind is AnomalyKind.DENIAL_BURST]
    assert len(found) == 1 and found[0].event_ids == tuple(e.id for e in denials)
    spread = [_at(i * 30, outcome=AuditOutcome.DENIED) for i in range(5)]
    assert AnomalyKind.DENIAL_BURST not in _kinds(spread)


def test_bulk_reads_of_many_persons_are_flagged() -> None:
    reads = [_at(i * 0.2, person_id=uuid.uuid4()) for i in range(20)]
    assert _kinds(reads).count(AnomalyKind.BULK_READ) == 1
    same_person = [_at(i * 0.2) for i in range(20)]
    assert AnomalyKind.BULK_READ not in _kinds(same_person)


def test_a_dormant_account_coming_back_is_flagged() -> None:
    found = find_anomalies([_at(0), _at(60 * 24 * 100)])
    dormant = [a for a in found if a.kind is AnomalyKind.DORMANT_ACCOUNT]
    assert len(dormant) == 1 and "100 Tagen" in dormant[0].description


OWN = uuid.UUID(int=2)  # the institution of the events' actor
OTHER = uuid.UUID(int=9)


def test_a_consent_the_recipient_recorded_is_flagged() -> None:
    """Finding 1: the DPO's report showed nothing when the RAV released the Sozialdienst's data to itself."""
    grant = _at(
        0,
        action=AuditAction.CONSENT_GRANT,
        operation="consents.grant",
        bases=(f"proposed:{OTHER}>{OWN}",),
        record_ids=(uuid.uuid4(),),
    )
    assert AnomalyKind.CONSENT_BY_RECIPIENT in _kinds([grant])
    by_owner = _at(0, action=AuditAction.CONSENT_GRANT, bases=(f"released:{OWN}>{OTHER}",))
    assert AnomalyKind.CONSENT_BY_RECIPIENT not in _kinds([by_owner])


def test_a_special_read_minutes_after_a_consent_to_the_own_institution_is_flagged() -> None:
    consent_id = uuid.uuid4()
    confirmed = _at(
        0,
        action=AuditAction.CONSENT_GRANT,
        operation="consents.confirm",
        institution_id=OTHER,
        bases=(f"released:{OTHER}>{OWN}",),
        record_ids=(consent_id,),
    )
    read = _at(4, bases=(f"consent:{consent_id}",), categories=(DataCategory.SOZIALHILFE,))
    found = [a for a in find_anomalies([confirmed, read]) if a.kind is AnomalyKind.SPECIAL_SOON_AFTER_CONSENT]
    assert len(found) == 1 and found[0].event_ids == (confirmed.id, read.id)

    later = _at(120, bases=(f"consent:{consent_id}",), categories=(DataCategory.SOZIALHILFE,))
    assert AnomalyKind.SPECIAL_SOON_AFTER_CONSENT not in _kinds([confirmed, later])
    plain = _at(4, bases=(f"consent:{consent_id}",), categories=(DataCategory.POTENZIAL,))
    assert AnomalyKind.SPECIAL_SOON_AFTER_CONSENT not in _kinds([confirmed, plain])
