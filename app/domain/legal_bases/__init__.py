"""Legal-basis rules as data: which institution kind may see which categories another kind
recorded, under which conditions, on which article. The rules live in `rules.toml` (versioned);
a rule can be switched off by configuration (COCKPIT_DISABLED_LEGAL_RULES)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.domain.cases.phase import CasePhase
from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind


class RuleEffect(StrEnum):
    ALLOW = "allow"  # the law itself permits the flow (no consent needed)
    CONSENT_CONDITION = "consent_condition"  # a consent for this flow counts only if the conditions hold
    # the reference directory may tell an institution of `to_kinds`, not yet on the person's case,
    # which institutions of `from_kinds` hold a dossier and which leads (routing only, no content)
    ROUTING = "routing"


@dataclass(frozen=True)
class LegalRule:
    id: str
    title: str
    article: str
    effect: RuleEffect
    from_kinds: frozenset[InstitutionKind]
    to_kinds: frozenset[InstitutionKind]
    categories: frozenset[DataCategory]
    case_phases: frozenset[CasePhase]  # empty: any phase
    reciprocity: bool = False  # Gegenrecht: the recipient shares with the owner on this case
    # What counts as Gegenrecht: the reverse flow releases at least one of these categories of the
    # recipient (never the shared core, which every participant sees anyway).
    reciprocal_categories: frozenset[DataCategory] = frozenset()
    in_force: bool = True
    note: str = ""

    def matches(self, owner: InstitutionKind, recipient: InstitutionKind, category: DataCategory) -> bool:
        return owner in self.from_kinds and recipient in self.to_kinds and category in self.categories

    def phase_ok(self, phase: CasePhase | None) -> bool:
        return not self.case_phases or phase in self.case_phases

    @property
    def label(self) -> str:
        return f"rule:{self.id}"


@dataclass(frozen=True)
class RuleBook:
    version: str
    rules: tuple[LegalRule, ...]

    def enabled(self, disabled_ids: Iterable[str]) -> RuleBook:
        off = set(disabled_ids)
        return RuleBook(self.version, tuple(r for r in self.rules if r.id not in off and r.in_force))

    def by_effect(self, effect: RuleEffect) -> tuple[LegalRule, ...]:
        """The rules in force with this effect (a rule not yet in force never applies)."""
        return tuple(r for r in self.rules if r.effect is effect and r.in_force)

    def routing_rule(self, asker: InstitutionKind) -> LegalRule | None:
        """A rule in force that lets an institution of this kind learn who holds a dossier."""
        return next((r for r in self.by_effect(RuleEffect.ROUTING) if asker in r.to_kinds), None)


NO_RULES = RuleBook("none", ())


class RuleBookError(ValueError):
    pass


def parse_rule_book(document: Mapping[str, Any]) -> RuleBook:
    """A rule book from the parsed TOML document; refuses unknown kinds, categories and phases."""
    try:
        version = str(document["version"])
        rules = tuple(_rule(entry) for entry in document.get("rule", []))
    except (KeyError, ValueError, TypeError) as error:
        raise RuleBookError(f"Rechtsgrundlagen-Datei ungültig: {error!r}") from error
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleBookError("Rechtsgrundlagen-Datei ungültig: eine Regel-ID kommt doppelt vor.")
    return RuleBook(version, rules)


_CORE = frozenset({DataCategory.STAMMDATEN, DataCategory.FALLFUEHRUNG})


def _rule(entry: Mapping[str, Any]) -> LegalRule:
    categories = frozenset(DataCategory(c) for c in entry["categories"])
    if categories & _CORE:
        raise ValueError(f"{entry['id']}: the shared case core needs no rule")
    reciprocity = bool(entry.get("reciprocity", False))
    reciprocal = frozenset(DataCategory(c) for c in entry.get("reciprocal_categories", []))
    if reciprocal & _CORE:
        raise ValueError(f"{entry['id']}: the shared case core is no Gegenrecht")
    if reciprocity and not reciprocal:
        raise ValueError(f"{entry['id']}: a rule with Gegenrecht names the reciprocal_categories")
    return LegalRule(
        id=str(entry["id"]),
        title=str(entry["title"]),
        article=str(entry["article"]),
        effect=RuleEffect(entry.get("effect", "allow")),
        from_kinds=frozenset(InstitutionKind(k) for k in entry["from_kinds"]),
        to_kinds=frozenset(InstitutionKind(k) for k in entry["to_kinds"]),
        categories=categories,
        case_phases=frozenset(CasePhase(p) for p in entry.get("case_phases", [])),
        reciprocity=reciprocity,
        reciprocal_categories=reciprocal,
        in_force=bool(entry.get("in_force", True)),
        note=str(entry.get("note", "")),
    )
