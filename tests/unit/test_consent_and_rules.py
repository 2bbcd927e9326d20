"""Consent, evidence, legal-basis rules and break-glass in `decide`: pure, by the hundred."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.adapters.legal_basis_file import packaged_rule_book, rule_book_without
from app.domain.break_glass import BreakGlass
from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.consent import Consent, ConsentStatus, Evidence, Flow, months, validate_grant
from app.domain.documents import recognised_media_type
from app.domain.errors import InvalidValue, PhaseConflict
from app.domain.evidence import check_evidence_file
from app.domain.institutions import InstitutionKind
from app.domain.legal_bases import RuleBookError, parse_rule_book
from app.domain.policy import AccessGrants, BasisKind, decide, may_open_case
from app.domain.principal import Principal, PrincipalKind, Role

from .builders import CASEWORKER_SD, IV_STELLE, NOW, PERSON, RAV, SOZIALDIENST, open_case, with_rav

KINDS = {SOZIALDIENST: InstitutionKind.SOZIALDIENST, RAV: InstitutionKind.RAV, IV_STELLE: InstitutionKind.IV}
PDF = b"%PDF-1.7\n%%EOF\n"


def consent(
    flows: tuple[Flow, ...] = (Flow(SOZIALDIENST, RAV),),
    categories: frozenset[DataCategory] = frozenset({DataCategory.POTENZIAL}),
    valid_from: datetime = NOW - timedelta(days=1),
    valid_until: datetime = NOW + months(12),
) -> Consent:
    return Consent(
        person_id=PERSON,
        case_id=uuid.uuid4(),
        flows=flows,
        categories=categories,
        purpose="Koordination",
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=Evidence("0" * 64, "F-1", CASEWORKER_SD, NOW, "de", "application/pdf", len(PDF)),
        granted_by_id=CASEWORKER_SD,
        granted_by_institution_id=SOZIALDIENST,
        granted_at=valid_from,
    )


def worker(institution: uuid.UUID, *roles: Role) -> Principal:
    return Principal(
        uuid.uuid4(), PrincipalKind.USER, "t", institution, frozenset(roles or {Role.CASEWORKER})
    )


def grants(*consents: Consent, phase: CasePhase = CasePhase.ACTIVE, **extra: object) -> AccessGrants:
    return AccessGrants(
        now=NOW,
        consents=consents,
        rules=packaged_rule_book(),
        institution_kinds=KINDS,
        case_phase=phase,
        **extra,  # type: ignore[arg-type]
    )


# -- consent ------------------------------------------------------------------------------------------


def test_rav_caseworker_sees_the_potenzial_the_client_released_with_the_consent_id_as_basis() -> None:
    given_consent = consent()
    decision = decide(
        worker(RAV), with_rav(open_case()), DataCategory.POTENZIAL, SOZIALDIENST, grants(given_consent)
    )
    assert decision.allow
    assert decision.basis is BasisKind.CONSENT
    assert decision.basis_label == f"consent:{given_consent.id}"
    assert decision.reason == "Einwilligung der betroffenen Person."


@pytest.mark.parametrize(
    ("category", "flow"),
    [
        (DataCategory.SOZIALHILFE, Flow(SOZIALDIENST, RAV)),  # other category
        (DataCategory.POTENZIAL, Flow(RAV, SOZIALDIENST)),  # other direction
    ],
)
def test_consent_covers_only_its_categories_and_direction(category: DataCategory, flow: Flow) -> None:
    c = consent(flows=(flow,))
    decision = decide(worker(RAV), with_rav(open_case()), category, SOZIALDIENST, grants(c))
    assert not decision.allow


def test_revocation_takes_effect_at_the_next_decision() -> None:
    c = consent()
    case = with_rav(open_case())
    assert decide(worker(RAV), case, DataCategory.POTENZIAL, SOZIALDIENST, grants(c)).allow
    c.revoke(by=CASEWORKER_SD, at=NOW, reason="mündlich")
    assert c.status_at(NOW) is ConsentStatus.REVOKED
    assert not decide(worker(RAV), case, DataCategory.POTENZIAL, SOZIALDIENST, grants(c)).allow
    with pytest.raises(PhaseConflict):
        c.revoke(by=CASEWORKER_SD, at=NOW, reason="nochmals")


def test_status_follows_time_and_the_end_of_the_follow_up_period() -> None:
    c = consent(valid_from=NOW, valid_until=NOW + timedelta(days=10))
    assert c.status_at(NOW - timedelta(seconds=1)) is ConsentStatus.PENDING
    assert c.status_at(NOW) is ConsentStatus.ACTIVE
    assert c.status_at(NOW + timedelta(days=10)) is ConsentStatus.EXPIRED
    assert c.status_at(NOW + timedelta(days=1), case_end=NOW + timedelta(days=1)) is ConsentStatus.EXPIRED
    c.supersede(by=uuid.uuid4(), at=NOW + timedelta(days=2))
    assert c.status_at(NOW + timedelta(days=2)) is ConsentStatus.SUPERSEDED


@given(st.integers(min_value=-400, max_value=400), st.integers(min_value=1, max_value=40))
def test_validity_is_bounded_by_24_months(offset_days: int, length_months: int) -> None:
    start = NOW + timedelta(days=offset_days)
    until = start + months(length_months)
    call = lambda: validate_grant(  # noqa: E731
        flows=(Flow(SOZIALDIENST, RAV),),
        categories=frozenset({DataCategory.POTENZIAL}),
        purpose="Zweck",
        valid_from=start,
        valid_until=until,
        now=NOW,
        participants=frozenset({SOZIALDIENST, RAV}),
    )
    acceptable = length_months <= 24 and until > NOW and start <= NOW + months(3)
    if acceptable:
        call()
    else:
        with pytest.raises(InvalidValue):
            call()


@pytest.mark.parametrize(
    ("flows", "categories", "pointer"),
    [
        ((), {DataCategory.POTENZIAL}, "flows"),
        ((Flow(RAV, RAV),), {DataCategory.POTENZIAL}, "flows.0"),
        ((Flow(SOZIALDIENST, IV_STELLE),), {DataCategory.POTENZIAL}, "flows.0"),  # the IV takes no part
        ((Flow(SOZIALDIENST, RAV),), set(), "categories"),
    ],
)
def test_a_grant_names_flows_between_participants_and_at_least_one_category(
    flows: tuple[Flow, ...], categories: set[DataCategory], pointer: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        validate_grant(
            flows=flows,
            categories=frozenset(categories),
            purpose="Zweck",
            valid_from=NOW,
            valid_until=NOW + months(6),
            now=NOW,
            participants=frozenset({SOZIALDIENST, RAV}),
        )
    assert refused.value.field == pointer


# -- evidence -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
    ],
)
def test_forms_are_recognised_by_content(content: bytes, media_type: str) -> None:
    assert recognised_media_type(content) == media_type
    assert check_evidence_file(content)[0] == media_type


@pytest.mark.parametrize("content", [b"", b"GIF89a....", b"<html>%PDF-", b"PK\x03\x04 docx"])
def test_other_files_are_refused(content: bytes) -> None:
    with pytest.raises(InvalidValue):
        check_evidence_file(content)


def test_a_form_above_the_size_limit_is_refused() -> None:
    with pytest.raises(InvalidValue, match="zu gross"):
        check_evidence_file(PDF + b"0" * 2048, max_bytes=1024)


# -- legal-basis rules --------------------------------------------------------------------------------


def test_the_packaged_rules_cite_their_articles_and_carry_a_version() -> None:
    book = packaged_rule_book()
    assert book.version
    assert all(rule.article and rule.title for rule in book.rules)
    assert {"avg-35a-1bis-alv-iv", "ivg-68bis-iv-alv", "avg-35a-1-gegenrecht"} <= {r.id for r in book.rules}
    special = {DataCategory.GESUNDHEIT, DataCategory.SOZIALHILFE}
    assert not any(rule.categories & special for rule in book.rules)  # special categories: consent only


def with_iv(case_phase: CasePhase = CasePhase.INTAKE):  # type: ignore[no-untyped-def]
    case = with_rav(open_case())
    case.add_participant(IV_STELLE, "IV-1", case.opened_on, NOW.date())
    return case


def test_iv_sees_rav_data_during_intake_by_art_35a_avg() -> None:
    decision = decide(
        worker(IV_STELLE), with_iv(), DataCategory.ARBEITSMARKT, RAV, grants(phase=CasePhase.INTAKE)
    )
    assert decision.allow
    assert decision.basis_label == "rule:avg-35a-1bis-alv-iv"
    assert "Art. 35a" in decision.reason


def test_the_rule_ends_with_the_intake_and_never_covers_health_data() -> None:
    case = with_iv()
    assert not decide(
        worker(IV_STELLE), case, DataCategory.ARBEITSMARKT, RAV, grants(phase=CasePhase.ACTIVE)
    ).allow
    assert not decide(
        worker(RAV), case, DataCategory.GESUNDHEIT, IV_STELLE, grants(phase=CasePhase.INTAKE)
    ).allow


def test_a_rule_switched_off_by_configuration_no_longer_applies() -> None:
    book = rule_book_without(frozenset({"avg-35a-1bis-alv-iv"}))
    g = AccessGrants(now=NOW, rules=book, institution_kinds=KINDS, case_phase=CasePhase.INTAKE)
    assert not decide(worker(IV_STELLE), with_iv(), DataCategory.ARBEITSMARKT, RAV, g).allow
    with pytest.raises(RuleBookError):
        rule_book_without(frozenset({"no-such-rule"}))


def test_rav_data_under_consent_needs_gegenrecht() -> None:
    case = with_rav(open_case())
    one_way = consent(flows=(Flow(RAV, SOZIALDIENST),), categories=frozenset({DataCategory.ARBEITSMARKT}))
    refused = decide(worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(one_way))
    assert not refused.allow
    assert "Gegenrecht" in refused.reason
    back = consent(flows=(Flow(SOZIALDIENST, RAV),), categories=frozenset({DataCategory.POTENZIAL}))
    assert decide(worker(SOZIALDIENST), case, DataCategory.ARBEITSMARKT, RAV, grants(one_way, back)).allow


def test_rule_files_with_unknown_kinds_or_core_categories_are_refused() -> None:
    rule = {
        "id": "x",
        "title": "t",
        "article": "a",
        "from_kinds": ["rav"],
        "to_kinds": ["iv"],
        "categories": ["arbeitsmarkt"],
    }
    assert parse_rule_book({"version": "1", "rule": [rule]}).rules[0].id == "x"
    for broken in ({**rule, "from_kinds": ["bank"]}, {**rule, "categories": ["stammdaten"]}):
        with pytest.raises(RuleBookError):
            parse_rule_book({"version": "1", "rule": [broken]})
    with pytest.raises(RuleBookError):
        parse_rule_book({"version": "1", "rule": [rule, rule]})


# -- need-to-know and break-glass ---------------------------------------------------------------------


def test_a_caseworker_opens_only_assigned_cases_a_supervisor_and_a_system_all_of_the_institution() -> None:
    case = with_rav(open_case())
    assert not may_open_case(worker(RAV), case, assigned=False).allow
    assert may_open_case(worker(RAV), case, assigned=True).allow
    assert may_open_case(worker(RAV, Role.SUPERVISOR), case).allow
    system = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "rav-system", RAV)
    assert may_open_case(system, case).allow
    assert not may_open_case(worker(IV_STELLE, Role.SUPERVISOR), case).allow


def test_break_glass_opens_for_its_supervisor_only_and_only_until_it_expires() -> None:
    case = with_rav(open_case())
    lead = worker(RAV, Role.SUPERVISOR)
    opening = BreakGlass(
        case.id, lead.id, RAV, "Begründung " * 4, NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    )
    g = grants(break_glass=opening)
    decision = decide(lead, case, DataCategory.SOZIALHILFE, SOZIALDIENST, g)
    assert decision.allow
    assert decision.basis_label == f"break_glass:{opening.id}"
    assert not decide(worker(RAV, Role.SUPERVISOR), case, DataCategory.SOZIALHILFE, SOZIALDIENST, g).allow
    later = AccessGrants(now=NOW + timedelta(hours=2), break_glass=opening)
    assert not decide(lead, case, DataCategory.SOZIALHILFE, SOZIALDIENST, later).allow
