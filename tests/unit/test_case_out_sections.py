"""Every data category has its section in the case response; a category without one fails loudly."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from pydantic import ValidationError

from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.policy import AccessGrants
from app.domain.principal import Principal, PrincipalKind
from app.entrypoints.api.v1.schemas.case_out import CaseOut, CategorySection
from app.services.access.decisions import Decisions
from app.services.case_view import build_case_view


def test_every_category_has_a_section_in_the_case_response() -> None:
    assert {c.value for c in DataCategory} <= set(CaseOut.model_fields)


def test_a_category_without_its_section_is_refused_not_dropped() -> None:
    with pytest.raises(ValidationError, match="neue_kategorie"):
        CaseOut(
            id=uuid.uuid4(),
            version=1,
            person_id=uuid.uuid4(),
            categories=[],
            neue_kategorie=CategorySection(),  # type: ignore[call-arg]
        )


def test_a_view_of_every_category_renders() -> None:
    institution = uuid.uuid4()
    case = SharedCase.open(
        person_id=uuid.uuid4(),
        lead_institution_id=institution,
        local_reference="R-1",
        opened_on=date(2026, 1, 5),
        today=date(2026, 2, 1),
    )
    principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, "system", institution)
    view = build_case_view(Decisions(principal, case, AccessGrants()), case, None)
    body = CaseOut.of(view, date(2026, 2, 1))
    assert body.fallfuehrung is not None and body.categories == [DataCategory.FALLFUEHRUNG]
