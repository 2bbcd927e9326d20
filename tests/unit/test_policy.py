"""Who may see what: `decide` and `may_open_case` (own data → participation → shared case core)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import SharedCase
from app.domain.categories import DataCategory, Sensitivity
from app.domain.policy import SHARED_CASE_CORE, BasisKind, Decision, decide, may_open_case
from app.domain.principal import Principal, PrincipalKind, Role

from .builders import IV_STELLE, KANTON, RAV, SOZIALDIENST, TODAY, open_case, with_rav

ALL_CATEGORIES = list(DataCategory)
CORE = [DataCategory.STAMMDATEN, DataCategory.FALLFUEHRUNG]
BEYOND_CORE = [c for c in DataCategory if c not in CORE]


def principal_of(institution: uuid.UUID, kind: PrincipalKind = PrincipalKind.USER) -> Principal:
    return Principal(
        id=uuid.uuid4(),
        kind=kind,
        name="fallfuehrung.test",
        institution_id=institution,
        roles=frozenset({Role.CASEWORKER}),
    )


def case_with_sd_and_rav() -> SharedCase:
    return with_rav(open_case(lead=SOZIALDIENST))


def test_the_shared_case_core_is_stammdaten_and_fallfuehrung() -> None:
    assert frozenset(CORE) == SHARED_CASE_CORE
    assert {DataCategory.GESUNDHEIT, DataCategory.SOZIALHILFE} <= set(BEYOND_CORE)
    assert all(c.sensitivity is Sensitivity.PERSONAL for c in CORE)


# -- own data ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ALL_CATEGORIES)
@pytest.mark.parametrize("kind", list(PrincipalKind))
def test_own_institutions_data_is_always_allowed_with_basis_own(
    category: DataCategory, kind: PrincipalKind
) -> None:
    decision = decide(principal_of(RAV, kind), case_with_sd_and_rav(), category, RAV)
    assert decision.allow
    assert decision.basis is BasisKind.OWN
    assert decision.basis_label == "own"
    assert decision.reason == "Daten der eigenen Stelle."


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_own_data_stays_visible_after_the_institution_left_the_case(category: DataCategory) -> None:
    case = case_with_sd_and_rav()
    case.remove_participant(RAV, date(2025, 3, 1), TODAY)
    decision = decide(principal_of(RAV), case, category, RAV)
    assert decision.allow
    assert decision.basis is BasisKind.OWN


# -- non-participants --------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ALL_CATEGORIES)
@pytest.mark.parametrize("owner", [SOZIALDIENST, RAV])
def test_non_participant_is_denied_every_category(category: DataCategory, owner: uuid.UUID) -> None:
    decision = decide(principal_of(IV_STELLE), case_with_sd_and_rav(), category, owner)
    assert not decision.allow
    assert decision.basis is None
    assert decision.basis_label == "none"
    assert "nicht beteiligt" in decision.reason


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_former_participant_is_denied_other_institutions_data(category: DataCategory) -> None:
    case = case_with_sd_and_rav()
    case.remove_participant(RAV, date(2025, 3, 1), TODAY)
    decision = decide(principal_of(RAV), case, category, SOZIALDIENST)
    assert not decision.allow
    assert decision.basis is None


# -- participants ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", CORE)
@pytest.mark.parametrize(("viewer", "owner"), [(RAV, SOZIALDIENST), (SOZIALDIENST, RAV)])
def test_participant_sees_the_shared_case_core_of_others_through_participation(
    category: DataCategory, viewer: uuid.UUID, owner: uuid.UUID
) -> None:
    decision = decide(principal_of(viewer), case_with_sd_and_rav(), category, owner)
    assert decision.allow
    assert decision.basis is BasisKind.PARTICIPATION
    assert decision.basis_label == "participation"
    assert decision.reason == "Gemeinsame Falldaten der beteiligten Stellen."


@pytest.mark.parametrize("category", BEYOND_CORE)
@pytest.mark.parametrize(("viewer", "owner"), [(RAV, SOZIALDIENST), (SOZIALDIENST, RAV)])
def test_participant_is_denied_other_institutions_data_beyond_the_core(
    category: DataCategory, viewer: uuid.UUID, owner: uuid.UUID
) -> None:
    decision = decide(principal_of(viewer), case_with_sd_and_rav(), category, owner)
    assert not decision.allow
    assert decision.basis is None
    assert "Einwilligung" in decision.reason


def test_data_owned_by_an_institution_outside_the_case_is_treated_like_any_other_owners() -> None:
    case = case_with_sd_and_rav()
    assert decide(principal_of(RAV), case, DataCategory.STAMMDATEN, KANTON).allow
    assert not decide(principal_of(RAV), case, DataCategory.GESUNDHEIT, KANTON).allow


# -- the rule as a whole -----------------------------------------------------------------------------------

institutions = st.sampled_from([SOZIALDIENST, RAV, IV_STELLE, KANTON])


@given(
    viewer=institutions,
    owner=institutions,
    others=st.sets(institutions, max_size=3),
    category=st.sampled_from(ALL_CATEGORIES),
)
def test_decision_is_own_data_or_participation_in_the_core_and_nothing_else(
    viewer: uuid.UUID, owner: uuid.UUID, others: set[uuid.UUID], category: DataCategory
) -> None:
    case = open_case(lead=SOZIALDIENST)
    for institution in others - {SOZIALDIENST}:
        case.add_participant(institution, "AZ", date(2025, 2, 1), TODAY)
    participant = case.is_participant(viewer)

    decision = decide(principal_of(viewer), case, category, owner)

    assert decision.allow == (owner == viewer or (participant and category in SHARED_CASE_CORE))
    assert (decision.basis is not None) == decision.allow
    if decision.allow:
        assert decision.basis is (BasisKind.OWN if owner == viewer else BasisKind.PARTICIPATION)
    assert decision.reason.strip()
    assert decision.reason.endswith(".")


# -- opening a case and the decision record ---------------------------------------------------------------


def test_only_participants_may_open_the_case() -> None:
    case = case_with_sd_and_rav()
    allowed = may_open_case(principal_of(RAV), case, assigned=True)
    assert allowed.allow
    assert allowed.basis is BasisKind.PARTICIPATION
    assert allowed.reason == "Dem Fall zugeteilt."

    denied = may_open_case(principal_of(IV_STELLE), case)
    assert not denied.allow
    assert denied.basis is None
    assert denied.reason == "Ihre Stelle ist an diesem Fall nicht beteiligt."


def test_a_former_participant_may_no_longer_open_the_case() -> None:
    case = case_with_sd_and_rav()
    case.remove_participant(RAV, date(2025, 3, 1), TODAY)
    assert not may_open_case(principal_of(RAV), case, assigned=True).allow


@pytest.mark.parametrize(
    ("decision", "label"),
    [
        (Decision(True, "Daten der eigenen Stelle.", BasisKind.OWN), "own"),
        (Decision(True, "Einwilligung liegt vor.", BasisKind.CONSENT, "c-17"), "consent:c-17"),
        (Decision(True, "Gesetzliche Grundlage.", BasisKind.LEGAL_RULE, "art-32"), "rule:art-32"),
        (Decision(False, "Keine Grundlage."), "none"),
    ],
)
def test_basis_label_names_the_basis_and_its_reference(decision: Decision, label: str) -> None:
    assert decision.basis_label == label
