"""Institutions taking part in the IIZ."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class InstitutionKind(StrEnum):
    SOZIALDIENST = "sozialdienst"
    RAV = "rav"
    IV = "iv"
    KANTON = "kanton"

    @property
    def label(self) -> str:
        return {
            InstitutionKind.SOZIALDIENST: "Sozialdienst",
            InstitutionKind.RAV: "RAV",
            InstitutionKind.IV: "IV-Stelle",
            InstitutionKind.KANTON: "Kanton",
        }[self]

    @property
    def local_reference_label(self) -> str:
        """What the institution calls its own case number."""
        return {
            InstitutionKind.SOZIALDIENST: "Dossiernummer Sozialdienst",
            InstitutionKind.RAV: "Personennummer Stellensuchende",
            InstitutionKind.IV: "IV-Dossiernummer",
            InstitutionKind.KANTON: "Geschäftsnummer",
        }[self]


@dataclass
class Institution:
    kind: InstitutionKind
    code: str
    name: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    active: bool = True
