"""The institutions' imported dossiers as part of a case read: per category, with the basis.

An institution's dossier (what its own system imported: the RAV's job-search status and expected
Aussteuerung, the IV's decisions, the Sozialdienst's support) is case data like an item recorded by
hand: the policy decides per category and owner, only allowed dossiers are decrypted, and the read
lists them among the categories and bases of its one audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind
from app.domain.policy import Decision
from app.domain.shared_data import flatten_facts
from app.services.case_view import CaseView
from app.services.ports import UnitOfWork

_BASIS_WORDS = {
    "own": "eigene Daten",
    "participation": "Beteiligung am Fall",
    "consent": "Einwilligung",
    "rule": "Rechtsgrundlage",
    "break_glass": "Notfallzugriff",
}


FACT_LABELS = {
    "personalberatung": "Personalberatung",
    "suchstatus": "Suchstatus",
    "zumutbarkeit": "Zumutbarkeit",
    "arbeitsfaehigkeit_prozent": "Arbeitsfähigkeit (%)",
    "aussteuerung_voraussichtlich": "Voraussichtliche Aussteuerung",
    "sanktionen": "Sanktion",
    "grund": "Grund",
    "einstelltage": "Einstelltage",
    "verfuegt_am": "verfügt am",
    "fruehintervention_angeordnet": "Frühintervention angeordnet",
    "entscheid_status": "Stand des Entscheids",
    "entscheide": "Entscheid",
    "art": "Art",
    "datum": "Datum",
    "ergebnis": "Ergebnis",
    "unterstuetzungsstatus": "Unterstützungsstatus",
    "unterstuetzt_seit": "Unterstützt seit",
    "unterstuetzt_bis": "Unterstützt bis",
}


def _label(name: str) -> str:
    return " ".join(FACT_LABELS.get(part, part) for part in name.split("."))


def _shown(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y") if len(value) == 10 else value
    except ValueError:
        return value


@dataclass(frozen=True)
class VisibleDossier:
    """One institution's dossier on the case, as the caller may see it."""

    id: uuid.UUID
    owner_institution_id: uuid.UUID
    kind: InstitutionKind
    category: DataCategory
    basis: str  # the decision's basis label: own, consent:<id>, rule:<id>, …
    registered_on: date
    facts: dict[str, object]

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        return flatten_facts(self.facts)

    @property
    def labelled_fields(self) -> list[tuple[str, str]]:
        """German labels and Swiss dates, for the thin client."""
        return [(_label(name), _shown(value)) for name, value in self.fields]

    @property
    def basis_text(self) -> str:
        kind, _, ref = self.basis.partition(":")
        word = _BASIS_WORDS.get(kind, kind)
        return f"{word} ({ref})" if kind == "rule" and ref else word


def add_dossiers(
    uow: UnitOfWork,
    case_id: uuid.UUID,
    decide_for: Callable[[DataCategory, uuid.UUID], Decision],
    view: CaseView,
) -> None:
    """Put the dossiers the policy allows into `view` and count them in its allowed, withheld and
    bases; the others stay sealed. `decide_for(category, owner)`: the request's policy decisions."""
    decisions = {}

    def reveal(category: DataCategory, owner: uuid.UUID) -> bool:
        decision = decide_for(category, owner)
        if decision.allow:
            decisions[(category, owner)] = decision
            view.allowed.add(category)
            view.bases.add(decision.basis_label)
        else:
            view.withheld.add(category)
        return decision.allow

    view.dossiers = [
        VisibleDossier(
            id=dossier.id,
            owner_institution_id=dossier.institution_id,
            kind=dossier.kind,
            category=dossier.category,
            basis=decisions[(dossier.category, dossier.institution_id)].basis_label,
            registered_on=dossier.registered_on,
            facts=dict(dossier.facts),
        )
        for dossier in uow.dossiers.of_case(case_id, reveal)
    ]
