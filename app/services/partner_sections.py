"""What other institutions released to a recipient institution on one case, section by section.

The recipient's own dossier and measures travel in its format's own fields; everything another
institution owns and the policy lets the recipient see travels apart, as `SharedEntry`s naming the
source institution, the category and the basis of the release. Only what the caller's view already
holds (decrypted because allowed) and the dossiers the policy allows are read here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain.categories import DataCategory
from app.domain.exchange import DossierReveal, InstitutionDossier
from app.domain.policy import Decision
from app.domain.shared_data import SharedEntry, SharedSection, flatten_facts
from app.services.case_view import CaseView

_MEASURE_KIND_WORDS = {
    "course": "kurs",
    "job_coaching": "coaching",
    "practical_placement": "praktikum",
    "iv_vocational": "berufliche_massnahme",
    "iv_early_intervention": "fruehintervention",
    "labour_market": "amm",
    "social_integration": "soziale_integration",
    "other": "andere",
}
_MEASURE_STATUS_WORDS = {
    "planned": "geplant",
    "running": "laufend",
    "completed": "abgeschlossen",
    "cancelled": "abgebrochen",
    "ended_by_closure": "abgeschlossen",
}
_GOAL_STATUS_WORDS = {"open": "offen", "achieved": "erreicht", "dropped": "verworfen"}


@dataclass
class PartnerSections:
    """The entries, and what the audit event of the request has to name for them."""

    entries: list[SharedEntry] = field(default_factory=list)
    allowed: set[DataCategory] = field(default_factory=set)
    withheld: set[DataCategory] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)
    dossier_ids: list[uuid.UUID] = field(default_factory=list)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _fields(**values: object) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(value)) for name, value in values.items() if value not in (None, ""))


# decide_for(category, owning institution) -> the policy's decision for the recipient on this case
DecideFor = Callable[[DataCategory, uuid.UUID], Decision]


class _Releases:
    def __init__(
        self, recipient_id: uuid.UUID, decide_for: DecideFor, codes: Mapping[uuid.UUID, str]
    ) -> None:
        self.recipient_id, self.decide_for, self.codes = recipient_id, decide_for, codes
        self.sections = PartnerSections()

    def opens(self, category: DataCategory, owner: uuid.UUID) -> bool:
        """A dossier's `reveal`: another institution's, and allowed (else it stays sealed)."""
        if owner == self.recipient_id:
            return False
        if self.decide_for(category, owner).allow:
            return True
        self.sections.withheld.add(category)
        return False

    def add(
        self,
        section: SharedSection,
        category: DataCategory,
        owner: uuid.UUID,
        fields: tuple[tuple[str, str], ...],
    ) -> bool:
        decision = self.decide_for(category, owner)
        if not decision.allow:
            self.sections.withheld.add(category)
            return False
        self.sections.allowed.add(category)
        self.sections.bases.add(decision.basis_label)
        source = self.codes.get(owner, str(owner))
        self.sections.entries.append(SharedEntry(section, source, category, decision.basis_label, fields))
        return True


def partner_sections(
    recipient: uuid.UUID,
    view: CaseView,
    dossiers_of: Callable[[DossierReveal], Iterable[InstitutionDossier]],
    decide_for: DecideFor,
    codes: Mapping[uuid.UUID, str],
) -> PartnerSections:
    """Entries of every institution but the recipient, in a stable order: dossier facts (by
    source), then the current segment, goals and measures as the view (already decided) holds them."""
    releases = _Releases(recipient, decide_for, codes)
    for dossier in sorted(dossiers_of(releases.opens), key=lambda d: codes.get(d.institution_id, "")):
        fields = (("angemeldet_am", dossier.registered_on.isoformat()), *flatten_facts(dossier.facts))
        if releases.add(SharedSection.FACTS, dossier.category, dossier.institution_id, fields):
            releases.sections.dossier_ids.append(dossier.id)
    current = view.segment_history[-1] if view.segment_history else None
    if current is not None and current.institution_id != recipient:
        fields = _fields(
            segment=current.segment.value,
            beurteilt_am=current.assessed_on.isoformat(),
            naechste_beurteilung=_iso(view.case.reassessment_due_on) if view.show_core else None,
        )
        releases.add(SharedSection.SEGMENT, current.category, current.institution_id, fields)
    for goal in view.goals:
        if goal.owner_institution_id != recipient:
            fields = _fields(
                titel=goal.title,
                status=_GOAL_STATUS_WORDS[goal.status.value],
                frist=goal.target_on.isoformat() if goal.target_on else None,
            )
            releases.add(SharedSection.GOAL, goal.category, goal.owner_institution_id, fields)
    for measure in view.measures:
        if measure.owner_institution_id != recipient:
            fields = _fields(
                titel=measure.title,
                art=_MEASURE_KIND_WORDS[measure.kind.value],
                status=_MEASURE_STATUS_WORDS[measure.status.value],
                anbieter=measure.provider,
                beginn=measure.start_on.isoformat() if measure.start_on else None,
                ende=measure.end_on.isoformat() if measure.end_on else None,
            )
            releases.add(SharedSection.MEASURE, measure.category, measure.owner_institution_id, fields)
    return releases.sections
