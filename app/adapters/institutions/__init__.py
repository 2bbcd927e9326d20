"""Institution adapters: each reads and writes one institution kind's exchange format.

They implement `InstitutionFormat` of app/services/ports.py structurally.
"""

from __future__ import annotations

from app.adapters.institutions.iv import IvFormat
from app.adapters.institutions.rav import RavFormat
from app.adapters.institutions.sozialdienst import SozialdienstFormat
from app.domain.institutions import InstitutionKind

AnyFormat = RavFormat | IvFormat | SozialdienstFormat

FORMATS: dict[InstitutionKind, AnyFormat] = {
    fmt.kind: fmt for fmt in (RavFormat(), IvFormat(), SozialdienstFormat())
}

__all__ = ["FORMATS", "AnyFormat"]
