"""The demo data shows each access situation the README describes under "Welcher Demo-Benutzer sieht was"."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from app.adapters.crypto.vault import Vault
from app.adapters.legal_basis_file import packaged_rule_book
from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.domain.categories import DataCategory
from app.services.access.case_work import read_case
from app.services.access_config import AccessConfig
from app.services.case_view import CaseView
from app.services.consent_inbox import consents_awaiting_confirmation
from app.services.consents import confirm_consent, list_consents
from app.services.context import RequestContext
from app.services.errors import CaseNotFound, Forbidden
from app.services.ports import UnitOfWork
from tests.conftest import database_with_demo
from tests.databases import DatabaseFactory

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
BRUNNER, KELLER, GASHI, MEIER = "756999900101", "756999900102", "756999900103", "756999900104"
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def database_url(databases: DatabaseFactory, vault: Vault) -> Iterator[str]:
    """Every test here starts from the demo seeded at NOW: a copy of its own of one seeded database."""
    with database_with_demo(databases, vault, NOW) as url:
        yield url


@pytest.fixture
def demo(uow_factory: UowFactory) -> Callable[[str, str], CaseView]:
    access = AccessConfig(rules=packaged_rule_book())

    def read(username: str, ahvn13_body: str) -> CaseView:
        with uow_factory() as uow:
            user = uow.users.by_username(username)
            assert user is not None
            case_id = _case_of(uow, ahvn13_body)
        ctx = RequestContext(user.as_principal(), "test", NOW, access=access)
        return read_case(uow_factory(), ctx, case_id)

    return read


def _check(body: str) -> str:
    return str(ean13_check_digit(body))


def test_consented_flow_shows_the_sozialdienst_plan_to_the_rav(demo: Callable[[str, str], CaseView]) -> None:
    view = demo("demo-rav", BRUNNER)
    assert {DataCategory.POTENZIAL, DataCategory.INTEGRATIONSPLAN} <= view.allowed
    assert DataCategory.SOZIALHILFE in view.withheld
    assert any(basis.startswith("consent:") for basis in view.bases)
    back = demo("demo-sd", BRUNNER)
    assert DataCategory.ARBEITSMARKT in back.allowed  # the RAV's data, reciprocity holds


def test_the_rav_reads_the_segments_but_not_the_health_details_behind_them(
    demo: Callable[[str, str], CaseView],
) -> None:
    view = demo("demo-rav-lead", KELLER)
    assert [s.segment.value for s in view.segment_history][-1] == "V"
    texts = [n.text for n in view.notes]
    assert not any("rückenschonende" in text for text in texts)
    assert DataCategory.GESUNDHEIT in view.withheld
    lead = demo("demo-lead", KELLER)
    health = [n.text for n in lead.notes if n.category is DataCategory.GESUNDHEIT]
    assert any("rückenschonende" in text for text in health)


def test_revoked_consent_withholds_social_assistance_from_the_iv(
    demo: Callable[[str, str], CaseView],
) -> None:
    view = demo("demo-iv", KELLER)
    assert DataCategory.SOZIALHILFE in view.withheld
    assert DataCategory.SOZIALHILFE not in view.allowed
    assert not any(basis.startswith("consent:") for basis in view.bases)


def test_expired_consent_withholds_health_data_from_the_sozialdienst(
    demo: Callable[[str, str], CaseView],
) -> None:
    view = demo("demo-sd", GASHI)
    assert DataCategory.GESUNDHEIT in view.withheld
    assert DataCategory.GESUNDHEIT not in view.allowed


def test_legal_basis_shows_the_rav_data_to_the_iv_during_intake(demo: Callable[[str, str], CaseView]) -> None:
    view = demo("demo-iv", MEIER)
    assert DataCategory.ARBEITSMARKT in view.allowed
    assert "rule:avg-35a-1bis-alv-iv" in view.bases
    assert DataCategory.SOZIALHILFE in view.withheld


@pytest.mark.parametrize(
    ("username", "client"),
    [("demo-sd", KELLER), ("demo-rav", GASHI), ("sd-olten", BRUNNER), ("demo-dpo", BRUNNER)],
    ids=["not-assigned", "not-participating", "other-region", "dpo"],
)
def test_no_access_looks_like_a_missing_case(
    demo: Callable[[str, str], CaseView], username: str, client: str
) -> None:
    with pytest.raises((CaseNotFound, Forbidden)):  # the DPO lacks the permission altogether
        demo(username, client)


def test_the_demo_consents_have_each_status(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        lead = uow.users.by_username("demo-lead")
        assert lead is not None
        case_ids = [_case_of(uow, body) for body in (BRUNNER, KELLER, GASHI)]
    ctx = RequestContext(lead.as_principal(), "test", NOW)
    states = [s for case_id in case_ids for s in list_consents(uow_factory(), ctx, case_id)]
    assert {s.status.value for s in states} == {"active", "revoked", "expired", "awaiting_confirmation"}


def test_a_consent_the_iv_recorded_waits_for_the_sozialdienst(
    uow_factory: UowFactory, demo: Callable[[str, str], CaseView]
) -> None:
    assert DataCategory.SOZIALHILFE in demo("demo-iv", GASHI).withheld
    with uow_factory() as uow:
        owner = uow.users.by_username("demo-sd")
        assert owner is not None
        case_id = _case_of(uow, GASHI)
    ctx = RequestContext(owner.as_principal(), "test", NOW, access=AccessConfig(rules=packaged_rule_book()))
    waiting = consents_awaiting_confirmation(uow_factory(), ctx)
    assert [(w.consent.case_id, w.local_reference) for w in waiting] == [(case_id, "WA-10102")]
    confirm_consent(uow_factory(), ctx, case_id, waiting[0].consent.id)
    view = demo("demo-iv", GASHI)
    assert DataCategory.SOZIALHILFE in view.allowed
    assert f"consent:{waiting[0].consent.id}" in view.bases


def _case_of(uow: UnitOfWork, ahvn13_body: str) -> uuid.UUID:
    person = uow.persons.by_ahvn13(Ahvn13(ahvn13_body + _check(ahvn13_body)))
    assert person is not None
    case_id = uow.cases.open_case_of_person(person.id)
    assert case_id is not None
    return case_id


HUBER = "756999900111"


def test_the_rav_and_iv_dossiers_reach_the_sozialdienst_on_consent_and_not_without(
    demo: Callable[[str, str], CaseView],
) -> None:
    brunner = demo("demo-sd", BRUNNER)
    [rav] = brunner.dossiers
    assert rav.category is DataCategory.ARBEITSMARKT and rav.basis.startswith("consent:")
    assert "aussteuerung_voraussichtlich" in rav.facts
    huber = demo("sd-oberer-leberberg", HUBER)
    [iv] = huber.dossiers
    assert iv.category is DataCategory.GESUNDHEIT and iv.basis.startswith("consent:")
    assert iv.facts["entscheide"]
    keller = demo("demo-lead", KELLER)
    assert keller.dossiers == []  # the IV's consent revoked, none for the RAV's data
    assert {DataCategory.ARBEITSMARKT, DataCategory.GESUNDHEIT} <= keller.withheld


def test_olten_registered_brunner_on_its_own_and_learns_the_lead_only_by_his_consent(
    uow_factory: UowFactory, demo: Callable[[str, str], CaseView]
) -> None:
    from app.services.persons import find_person_by_ahvn13
    from app.services.reference_directory import dossier_holders

    with uow_factory() as uow:
        olten = uow.users.by_username("sd-olten")
        assert olten is not None
    ctx = RequestContext(olten.as_principal(), "test", NOW, access=AccessConfig(rules=packaged_rule_book()))
    own = find_person_by_ahvn13(uow_factory(), ctx, Ahvn13(BRUNNER + _check(BRUNNER)))
    assert (own.given_name, own.address.city if own.address else None) == ("Marco Luca", "Olten")
    holders = dossier_holders(uow_factory(), ctx, own.id)
    assert {(h.institution.code, h.lead) for h in holders} == {
        ("SD-OLTEN", True),
        ("SD-WASSERAMT", True),
        ("RAV-SOLOTHURN", False),
    }
    with pytest.raises(CaseNotFound):  # the routing consent opens nothing of Wasseramt's case
        demo("sd-olten", BRUNNER)
