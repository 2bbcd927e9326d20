"""Mitwirkung: the client's agreement to the integration strategy, with the goals agreed
(Zielvereinbarung)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue


class AgreementForm(StrEnum):
    SIGNED = "signed"  # unterschriebene Vereinbarung
    ORAL = "oral"  # mündlich, im Gespräch festgehalten

    @property
    def label(self) -> str:
        return {AgreementForm.SIGNED: "Schriftlich unterzeichnet", AgreementForm.ORAL: "Mündlich"}[self]


@dataclass
class Cooperation:
    """Mitwirkung and Zielvereinbarung, recorded by the lead institution."""

    agreed_on: date
    form: AgreementForm
    agreed_goal_ids: list[uuid.UUID]
    institution_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime
    strategy: str = ""  # the integration strategy in a sentence or two
    document_id: uuid.UUID | None = None  # the signed agreement among the case's documents
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    category = DataCategory.INTEGRATIONSPLAN

    def __post_init__(self) -> None:
        if self.form is AgreementForm.SIGNED and self.document_id is None:
            raise InvalidValue(
                "Eine schriftliche Vereinbarung braucht das unterzeichnete Dokument.", "document_id"
            )
        if len(set(self.agreed_goal_ids)) != len(self.agreed_goal_ids):
            raise InvalidValue("Jedes Ziel darf nur einmal vereinbart werden.", "agreed_goal_ids")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id
