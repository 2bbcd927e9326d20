"""The data owner releases; Gegenrecht as the law means it; archiving ends consents (pure policy)."""

from __future__ import annotations

import pytest

from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.consent import ConsentStatus, Flow
from app.domain.errors import PhaseConflict
from app.domain.policy import BasisKind, decide

from .builders import NOW, RAV, SOZIALDIENST, open_case, with_rav
from .test_consent_and_rules import consent, grants, worker

SD_TO_RAV = Flow(SOZIALDIENST, RAV)
RAV_TO_SD = Flow(RAV, SOZIALDIENST)
SOCIAL = frozenset({DataCategory.SOZIALHILFE, DataCategory.GESUNDHEIT})


def test_a_consent_the_recipient_recorded_releases_nothing_until_the_owner_confirms() -> None:
    """Finding 1: the RAV recorded SD→RAV for sozialhilfe and read the Sozialdienst's data at once."""
    recorded_by_rav = consent(flows=(SD_TO_RAV,), categories=SOCIAL, confirmed_by=frozenset({RAV}))
    case = with_rav(open_case())
    refused = decide(worker(RAV), case, DataCategory.SOZIALHILFE, SOZIALDIENST, grants(recorded_by_rav))
    assert not refused.allow
    assert recorded_by_rav.status_at(NOW) is ConsentStatus.AWAITING
    assert recorded_by_rav.awaiting() == {SOZIALDIENST}

    with pytest.raises(PhaseConflict):
        recorded_by_rav.confirm(institution_id=RAV, now=NOW)  # the recipient cannot confirm for the owner
    recorded_by_rav.confirm(institution_id=SOZIALDIENST, now=NOW)
    allowed = decide(worker(RAV), case, DataCategory.SOZIALHILFE, SOZIALDIENST, grants(recorded_by_rav))
    assert (allowed.allow, allowed.basis) == (True, BasisKind.CONSENT)
    assert recorded_by_rav.status_at(NOW) is ConsentStatus.ACTIVE


def test_confirmed_flows_count_while_other_owners_still_wait() -> None:
    both = consent(
        flows=(SD_TO_RAV, RAV_TO_SD),
        categories=frozenset({DataCategory.POTENZIAL}),
        confirmed_by=frozenset({SOZIALDIENST}),
    )
    case = with_rav(open_case())
    assert decide(worker(RAV), case, DataCategory.POTENZIAL, SOZIALDIENST, grants(both)).allow
    assert not decide(worker(SOZIALDIENST), case, DataCategory.POTENZIAL, RAV, grants(both)).allow


def test_a_replacement_waits_for_the_owners_of_the_replaced_flows() -> None:
    old = consent(flows=(SD_TO_RAV,), categories=SOCIAL)
    new = consent(flows=(RAV_TO_SD,), categories=SOCIAL, confirmed_by=frozenset({RAV}))
    assert new.awaiting(old) == {SOZIALDIENST}
    new.confirm(institution_id=SOZIALDIENST, now=NOW, replaced=old)
    assert not new.awaiting(old)


def test_only_named_institutions_see_a_consent_record() -> None:
    from .builders import IV_STELLE

    record = consent(flows=(SD_TO_RAV,))
    assert record.names(SOZIALDIENST) and record.names(RAV)
    assert not record.names(IV_STELLE)


# -- Gegenrecht (Art. 35a Abs. 1 AVG) -------------------------------------------------------------------


def test_an_empty_reverse_consent_is_no_gegenrecht() -> None:
    """Finding 3: a reverse flow naming only the shared core met the condition."""
    rav_release = consent(flows=(RAV_TO_SD,), categories=frozenset({DataCategory.ARBEITSMARKT}))
    core_only = consent(flows=(SD_TO_RAV,), categories=frozenset({DataCategory.FALLFUEHRUNG}))
    case = with_rav(open_case())
    refused = decide(
        worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(rav_release, core_only)
    )
    assert not refused.allow
    assert "Gegenrecht" in refused.reason


def test_gegenrecht_needs_the_same_purpose_and_the_owner_confirmation_of_the_reverse_flow() -> None:
    rav_release = consent(flows=(RAV_TO_SD,), categories=frozenset({DataCategory.ARBEITSMARKT}))
    other_purpose = consent(
        flows=(SD_TO_RAV,), categories=frozenset({DataCategory.POTENZIAL}), purpose="Wohnungssuche"
    )
    unconfirmed = consent(
        flows=(SD_TO_RAV,), categories=frozenset({DataCategory.POTENZIAL}), confirmed_by=frozenset({RAV})
    )
    case = with_rav(open_case())
    for reverse in (other_purpose, unconfirmed):
        assert not decide(
            worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(rav_release, reverse)
        ).allow


def test_the_decision_names_the_reverse_consent() -> None:
    rav_release = consent(flows=(RAV_TO_SD,), categories=frozenset({DataCategory.ARBEITSMARKT}))
    back = consent(flows=(SD_TO_RAV,), categories=frozenset({DataCategory.POTENZIAL}))
    case = with_rav(open_case())
    allowed = decide(worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(rav_release, back))
    assert allowed.allow
    assert allowed.basis_ref == str(rav_release.id)
    assert str(back.id) in allowed.reason


def test_one_form_with_both_directions_grants_gegenrecht() -> None:
    mutual = consent(
        flows=(RAV_TO_SD, SD_TO_RAV),
        categories=frozenset({DataCategory.ARBEITSMARKT, DataCategory.POTENZIAL}),
    )
    case = with_rav(open_case())
    assert decide(worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(mutual)).allow


# -- lifecycle ------------------------------------------------------------------------------------------


def test_archiving_a_case_ends_its_consents() -> None:
    """Finding 6: the RAV still read plan and assessments after archiving."""
    given = consent(flows=(SD_TO_RAV,), categories=frozenset({DataCategory.POTENZIAL}))
    case = with_rav(open_case())
    assert decide(worker(RAV), case, DataCategory.POTENZIAL, SOZIALDIENST, grants(given)).allow
    archived = grants(given, phase=CasePhase.ARCHIVED)
    assert not decide(worker(RAV), case, DataCategory.POTENZIAL, SOZIALDIENST, archived).allow


def test_break_glass_cannot_reopen_what_the_client_revoked() -> None:
    from datetime import timedelta

    from app.domain.break_glass import BreakGlass
    from app.domain.principal import Role

    case = with_rav(open_case())
    lead = worker(RAV, Role.SUPERVISOR)
    opening = BreakGlass(
        case.id, lead.id, RAV, "Begründung " * 4, NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    )
    revoked = consent(flows=(SD_TO_RAV,), categories=frozenset({DataCategory.SOZIALHILFE}))
    revoked.revoke(by=lead.id, at=NOW - timedelta(days=1), reason="Am Schalter")
    barred = decide(lead, case, DataCategory.SOZIALHILFE, SOZIALDIENST, grants(revoked, break_glass=opening))
    assert not barred.allow and "widerrufen" in barred.reason
    # other categories stay open to the emergency access
    assert decide(
        lead, case, DataCategory.GESUNDHEIT, SOZIALDIENST, grants(revoked, break_glass=opening)
    ).allow

    only_ended = consent(flows=(SD_TO_RAV,), categories=frozenset({DataCategory.SOZIALHILFE}))
    only_ended.revoke(by=lead.id, at=NOW - timedelta(days=1), reason="x", bars_break_glass=False)
    assert decide(
        lead, case, DataCategory.SOZIALHILFE, SOZIALDIENST, grants(only_ended, break_glass=opening)
    ).allow
