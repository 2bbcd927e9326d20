"""Who may see what on a shared case, and why. Pure functions returning decisions with reasons.

Order of the checks: own institution's data → participation (need-to-know) → shared case core.
Consent and legal-basis rules plug in after participation (they come with the access issue);
until then data other institutions own beyond the shared case core is withheld.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from app.domain.categories import DataCategory
from app.domain.principal import Principal

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


@dataclass(frozen=True)
class Decision:
    allow: bool
    reason: str
    basis: BasisKind | None = None
    basis_ref: str | None = None  # consent id or rule id

    @property
    def basis_label(self) -> str:
        if self.basis is None:
            return "none"
        return f"{self.basis.value}:{self.basis_ref}" if self.basis_ref else self.basis.value


def may_open_case(principal: Principal, case: CaseRelation) -> Decision:
    """Need-to-know: only institutions working on the case see it at all."""
    if case.is_participant(principal.institution_id):
        return Decision(True, "Ihre Stelle ist am Fall beteiligt.", BasisKind.PARTICIPATION)
    return Decision(False, "Ihre Stelle ist an diesem Fall nicht beteiligt.")


def decide(
    principal: Principal, case: CaseRelation, category: DataCategory, owner_institution_id: uuid.UUID
) -> Decision:
    """May `principal` see data of `category` that `owner_institution_id` recorded on `case`?"""
    if owner_institution_id == principal.institution_id:
        return Decision(True, "Daten der eigenen Stelle.", BasisKind.OWN)
    if not case.is_participant(principal.institution_id):
        return Decision(False, "Ihre Stelle ist an diesem Fall nicht beteiligt.")
    if category in SHARED_CASE_CORE:
        return Decision(True, "Gemeinsame Falldaten der beteiligten Stellen.", BasisKind.PARTICIPATION)
    return Decision(False, "Keine Einwilligung und keine gesetzliche Grundlage für diese Datenkategorie.")
