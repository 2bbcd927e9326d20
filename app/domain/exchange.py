"""Data exchanged with the institutions' own systems (RAV, IV-Stelle, Sozialdienst).

An inbound file becomes a list of `DossierRecord`s (or per-record `RecordError`s); an outbound
export is a `CaseExport`, already filtered by the policy. The formats themselves live in
app/adapters/institutions/; this module only knows the content.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from app.domain.ahvn13 import Ahvn13
from app.domain.cases import MeasureKind, MeasureStatus
from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind
from app.domain.persons import Person
from app.domain.shared_data import SharedEntry

# The category an institution's own dossier falls under: what its facts are about.
DOSSIER_CATEGORY = {
    InstitutionKind.RAV: DataCategory.ARBEITSMARKT,
    InstitutionKind.IV: DataCategory.GESUNDHEIT,
    InstitutionKind.SOZIALDIENST: DataCategory.SOZIALHILFE,
}


@dataclass(frozen=True)
class PersonFacts:
    ahvn13: Ahvn13
    family_name: str
    given_name: str
    birth_date: date


@dataclass(frozen=True)
class PlannedMeasure:
    """A measure the institution plans or runs; matched to the integration plan by kind and title."""

    title: str
    kind: MeasureKind
    start_on: date | None = None
    end_on: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    provider: str = ""
    owner_code: str | None = None  # another institution's measure, shown for information only


@dataclass(frozen=True)
class DossierRecord:
    """One client as the institution's system knows them.

    `facts` are the institution's own findings (plain JSON values: str, int, bool, list), stored
    as its dossier on the shared case under `DOSSIER_CATEGORY[kind]`.
    """

    kind: InstitutionKind
    local_reference: str
    registered_on: date
    person: PersonFacts
    facts: dict[str, object] = field(default_factory=dict)
    measures: tuple[PlannedMeasure, ...] = ()
    office_code: str | None = None  # the institution the record says it belongs to
    location: str = ""  # line number or JSON pointer in the source file
    shared: tuple[SharedEntry, ...] = ()  # what others released (in an export); never imported


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read; `message` is German and holds no personal data."""

    location: str
    message: str


ParsedRecord = DossierRecord | RecordError


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_records: int = 20_000


class FormatError(Exception):
    """The file as a whole cannot be read (size, encoding, structure)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class InstitutionDossier:
    """An institution's own record about the client, kept on the shared case."""

    case_id: uuid.UUID
    institution_id: uuid.UUID
    kind: InstitutionKind
    local_reference: str
    registered_on: date
    facts: dict[str, object]
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def category(self) -> DataCategory:
        return DOSSIER_CATEGORY[self.kind]

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id

    def fingerprint(self) -> str:
        content = {"ref": self.local_reference, "on": self.registered_on.isoformat(), "facts": self.facts}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class KnownClient:
    """What an institution holds on a client where that is unambiguous (see
    `DossierRepository.known_clients`): the one registration related to it, the open case it takes
    part in with its own reference there, and its dossier on the case, if any."""

    person: Person
    case_id: uuid.UUID
    local_reference: str
    dossier: InstitutionDossier | None


# reveal(category, owning institution) -> open this dossier? Asked before its facts are decrypted.
DossierReveal = Callable[[DataCategory, uuid.UUID], bool]


@dataclass(frozen=True)
class CaseExport:
    """What one institution may receive about one case, in no particular format.

    Withheld parts are None or left out of the lists, never empty placeholders.
    """

    case_id: uuid.UUID
    kind: InstitutionKind
    office_code: str
    local_reference: str
    registered_on: date
    person: PersonFacts | None
    facts: dict[str, object] | None
    measures: tuple[PlannedMeasure, ...]
    shared: tuple[SharedEntry, ...] = ()  # what other institutions released to the recipient


def facts_equal(a: PersonFacts, b: PersonFacts) -> bool:
    return asdict(a) == asdict(b)
