"""Who may see what on a shared case, and why. Pure functions returning decisions with reasons.

Opening a case (need-to-know): the principal's institution participates AND, for a caseworker, the
caseworker is assigned; supervisors see all their institution's cases, system clients act for the
institution. A supervisor's active break-glass opening also opens the case.

Per data category, `decide` checks in this order: own institution's data → participation (the
shared case core) → consent → legal-basis rule → break-glass. The decision carries the basis
("own", "participation", "consent:<id>", "rule:<id>", "break_glass:<id>") and a German reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.domain.break_glass import BreakGlass
from app.domain.cases.phase import CasePhase
from app.domain.categories import DataCategory
from app.domain.consent import Consent, Flow
from app.domain.institutions import InstitutionKind
from app.domain.legal_bases import NO_RULES, LegalRule, RuleBook, RuleEffect
from app.domain.principal import Principal, PrincipalKind, Role

# What every participating institution needs to coordinate the DFF: who the client is,
# who leads, the phase, segment and due dates.
SHARED_CASE_CORE = frozenset({DataCategory.STAMMDATEN, DataCategory.FALLFUEHRUNG})


class CaseRelation(Protocol):
    """What the policy needs to know about a case: who works on it."""

    def is_participant(self, institution_id: uuid.UUID) -> bool: ...


class BasisKind(StrEnum):
    OWN = "own"
    PARTICIPATION = "participation"
    CONSENT = "consent"
    LEGAL_RULE = "rule"
    BREAK_GLASS = "break_glass"


@dataclass(frozen=True)
class Decision:
    allow: bool
    reason: str
    basis: BasisKind | None = None
    basis_ref: str | None = None  # consent id, rule id or break-glass id

    @property
    def basis_label(self) -> str:
        if self.basis is None:
            return "none"
        return f"{self.basis.value}:{self.basis_ref}" if self.basis_ref else self.basis.value


@dataclass(frozen=True)
class AccessGrants:
    """Everything beyond the case itself that a decision may rest on, loaded once per request."""

    now: datetime | None = None
    consents: tuple[Consent, ...] = ()
    rules: RuleBook = NO_RULES
    institution_kinds: Mapping[uuid.UUID, InstitutionKind] = field(default_factory=dict)
    case_phase: CasePhase | None = None
    case_end: datetime | None = None  # the follow-up period ends here; consents end with it
    break_glass: BreakGlass | None = None

    def active_break_glass(self, principal: Principal) -> BreakGlass | None:
        opening = self.break_glass
        if opening is None or self.now is None or not opening.is_active(self.now):
            return None
        return opening if opening.user_id == principal.id else None


NO_GRANTS = AccessGrants()


def may_open_case(
    principal: Principal,
    case: CaseRelation,
    assigned: bool = False,
    grants: AccessGrants = NO_GRANTS,
) -> Decision:
    """Need-to-know: the institution works on the case, and a caseworker is assigned to it."""
    if case.is_participant(principal.institution_id):
        if principal.kind is PrincipalKind.SYSTEM:
            return Decision(True, "System der beteiligten Stelle.", BasisKind.PARTICIPATION)
        if principal.has_role(Role.SUPERVISOR):
            return Decision(True, "Leitung der beteiligten Stelle.", BasisKind.PARTICIPATION)
        if principal.has_role(Role.CASEWORKER) and assigned:
            return Decision(True, "Dem Fall zugeteilt.", BasisKind.PARTICIPATION)
    opening = grants.active_break_glass(principal)
    if opening is not None:
        return Decision(True, "Notfallzugriff (Break-Glass).", BasisKind.BREAK_GLASS, str(opening.id))
    if case.is_participant(principal.institution_id):
        return Decision(False, "Sie sind diesem Fall nicht zugeteilt.")
    return Decision(False, "Ihre Stelle ist an diesem Fall nicht beteiligt.")


def decide(
    principal: Principal,
    case: CaseRelation,
    category: DataCategory,
    owner_institution_id: uuid.UUID,
    grants: AccessGrants = NO_GRANTS,
) -> Decision:
    """May `principal` see data of `category` that `owner_institution_id` recorded on `case`?"""
    recipient = principal.institution_id
    if owner_institution_id == recipient:
        return Decision(True, "Daten der eigenen Stelle.", BasisKind.OWN)
    opening = grants.active_break_glass(principal)
    if not case.is_participant(recipient) and opening is None:
        return Decision(False, "Ihre Stelle ist an diesem Fall nicht beteiligt.")
    if category in SHARED_CASE_CORE and case.is_participant(recipient):
        return Decision(True, "Gemeinsame Falldaten der beteiligten Stellen.", BasisKind.PARTICIPATION)
    consent_decision = _by_consent(case, category, owner_institution_id, recipient, grants)
    if consent_decision.allow:
        return consent_decision
    rule = _allowing_rule(case, category, owner_institution_id, recipient, grants)
    if rule is not None:
        return Decision(True, f"Gesetzliche Grundlage: {rule.article}.", BasisKind.LEGAL_RULE, rule.id)
    if opening is not None and any(
        c.bars_break_glass(owner_institution_id, recipient, category) for c in grants.consents
    ):
        return Decision(
            False,
            "Die betroffene Person hat diese Freigabe widerrufen; auch ein Notfallzugriff öffnet sie nicht.",
        )
    if opening is not None:
        return Decision(
            True,
            "Notfallzugriff (Break-Glass) mit schriftlicher Begründung.",
            BasisKind.BREAK_GLASS,
            str(opening.id),
        )
    return consent_decision


def _by_consent(
    case: CaseRelation,
    category: DataCategory,
    owner: uuid.UUID,
    recipient: uuid.UUID,
    grants: AccessGrants,
) -> Decision:
    none = Decision(False, "Keine Einwilligung und keine gesetzliche Grundlage für diese Datenkategorie.")
    if grants.now is None or grants.case_phase is CasePhase.ARCHIVED:
        return none  # archiving a case ends its consents
    consent = next(
        (c for c in grants.consents if c.covers(owner, recipient, category, grants.now, grants.case_end)),
        None,
    )
    if consent is None:
        return none
    reciprocity = ""
    for condition in _matching(grants, RuleEffect.CONSENT_CONDITION, owner, recipient, category):
        if not condition.reciprocity:
            continue
        counter = _reciprocity(case, consent, condition, owner, recipient, grants)
        if counter is None:
            return Decision(False, f"Einwilligung vorhanden, aber ohne Gegenrecht ({condition.article}).")
        reciprocity = f" Gegenrecht ({condition.article}): {counter}."
    return Decision(
        True, "Einwilligung der betroffenen Person." + reciprocity, BasisKind.CONSENT, str(consent.id)
    )


def _same_purpose(a: Consent, b: Consent) -> bool:
    return a.id == b.id or " ".join(a.purpose.split()).casefold() == " ".join(b.purpose.split()).casefold()


def _reciprocity(
    case: CaseRelation,
    consent: Consent,
    condition: LegalRule,
    owner: uuid.UUID,
    recipient: uuid.UUID,
    grants: AccessGrants,
) -> str | None:
    """Gegenrecht: the recipient releases categories of its own beyond the shared core to the owner,
    for the same purpose, on this case (by the client's consent it confirmed, or by a rule). Returns
    what grants it, for the decision's reason; None without reciprocity."""
    assert grants.now is not None
    reverse = Flow(recipient, owner)
    counts = condition.reciprocal_categories - SHARED_CASE_CORE
    for other in grants.consents:
        if (
            other.flow_in_force(reverse)
            and other.in_force_at(grants.now, grants.case_end)
            and other.categories & counts
            and _same_purpose(consent, other)
        ):
            return f"Einwilligung {other.id} in Gegenrichtung"
    for category in sorted(counts):
        rule = _allowing_rule(case, category, recipient, owner, grants)
        if rule is not None:
            return f"gesetzliche Grundlage {rule.id} in Gegenrichtung"
    return None


def _allowing_rule(
    case: CaseRelation,
    category: DataCategory,
    owner: uuid.UUID,
    recipient: uuid.UUID,
    grants: AccessGrants,
) -> LegalRule | None:
    if not (case.is_participant(owner) and case.is_participant(recipient)):
        return None
    for rule in _matching(grants, RuleEffect.ALLOW, owner, recipient, category):
        if rule.phase_ok(grants.case_phase):
            return rule
    return None


def _matching(
    grants: AccessGrants, effect: RuleEffect, owner: uuid.UUID, recipient: uuid.UUID, category: DataCategory
) -> list[LegalRule]:
    owner_kind = grants.institution_kinds.get(owner)
    recipient_kind = grants.institution_kinds.get(recipient)
    if owner_kind is None or recipient_kind is None:
        return []
    return [r for r in grants.rules.by_effect(effect) if r.matches(owner_kind, recipient_kind, category)]
