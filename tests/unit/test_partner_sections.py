"""What other institutions released to a recipient: entries with source, category and basis; a
dossier the policy withholds is never opened (fakes, no database)."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.categories import DataCategory
from app.domain.consent import Flow
from app.domain.exchange import DossierReveal, InstitutionDossier
from app.domain.institutions import InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.domain.shared_data import SharedSection
from app.services.access.decisions import Decisions
from app.services.case_view import build_case_view
from app.services.partner_sections import partner_sections
from tests.unit.builders import IV_STELLE, RAV, SOZIALDIENST, active_case, new_measure
from tests.unit.test_consent_and_rules import consent, grants

CODES = {SOZIALDIENST: "SD-WASSERAMT", RAV: "RAV-SOLOTHURN", IV_STELLE: "IV-SO"}
SD = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "sd-system", SOZIALDIENST)


def _dossier(case_id: uuid.UUID, owner: uuid.UUID, kind: InstitutionKind) -> InstitutionDossier:
    return InstitutionDossier(
        case_id, owner, kind, "REF-1", date(2025, 2, 3), {"suchstatus": "aktiv_suchend"}
    )


class FakeDossiers:
    """Opens a dossier only when asked to; remembers which ones it opened."""

    def __init__(self, *dossiers: InstitutionDossier) -> None:
        self.dossiers = dossiers
        self.opened: list[InstitutionDossier] = []

    def __call__(self, reveal: DossierReveal) -> list[InstitutionDossier]:
        found = [d for d in self.dossiers if reveal(d.category, d.institution_id)]
        self.opened += found
        return found


def test_the_rav_dossier_and_measure_reach_the_sozialdienst_on_consent_with_source_and_basis() -> None:
    case = active_case()
    case.add_measure(new_measure(RAV))
    released = consent(
        flows=(Flow(RAV, SOZIALDIENST), Flow(SOZIALDIENST, RAV)),
        categories=frozenset({DataCategory.ARBEITSMARKT, DataCategory.INTEGRATIONSPLAN}),
    )
    access = grants(released)
    own, rav = (
        _dossier(case.id, SOZIALDIENST, InstitutionKind.SOZIALDIENST),
        _dossier(case.id, RAV, InstitutionKind.RAV),
    )
    dossiers = FakeDossiers(own, rav)

    sections = partner_sections(
        SOZIALDIENST,
        build_case_view(Decisions(SD, case, access), case, None),
        dossiers,
        Decisions(SD, case, access).of,
        CODES,
    )

    assert [(e.section, e.source, e.category, e.basis) for e in sections.entries] == [
        (SharedSection.FACTS, "RAV-SOLOTHURN", DataCategory.ARBEITSMARKT, f"consent:{released.id}"),
        (SharedSection.MEASURE, "RAV-SOLOTHURN", DataCategory.INTEGRATIONSPLAN, f"consent:{released.id}"),
    ]
    assert sections.entries[0].value("suchstatus") == "aktiv_suchend"
    assert dossiers.opened == [rav]  # the own dossier travels in the format's own fields
    assert sections.dossier_ids == [rav.id]


def test_without_consent_nothing_of_the_rav_is_opened_or_shared() -> None:
    case = active_case()
    case.add_measure(new_measure(RAV))
    access = grants()
    dossiers = FakeDossiers(
        _dossier(case.id, RAV, InstitutionKind.RAV), _dossier(case.id, IV_STELLE, InstitutionKind.IV)
    )

    sections = partner_sections(
        SOZIALDIENST,
        build_case_view(Decisions(SD, case, access), case, None),
        dossiers,
        Decisions(SD, case, access).of,
        CODES,
    )

    assert sections.entries == [] and dossiers.opened == []
    assert {DataCategory.ARBEITSMARKT, DataCategory.GESUNDHEIT} <= sections.withheld
