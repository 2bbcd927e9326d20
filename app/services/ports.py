"""The interfaces the services need from the outside world. Adapters implement them structurally."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, Self

from app.domain.ahvn13 import Ahvn13
from app.domain.assignments import CaseAssignment
from app.domain.audit import AuditEvent
from app.domain.audit_anomalies import AnomalyReview
from app.domain.break_glass import BreakGlass
from app.domain.cases import SharedCase
from app.domain.cases.listing import CaseFilter, CaseSummary, Page
from app.domain.cases.sealed import SealedCase
from app.domain.cases.versions import Part
from app.domain.categories import DataCategory
from app.domain.consent import Consent, ConsentEvent
from app.domain.documents import Document
from app.domain.events import ChangeEvent
from app.domain.exchange import (
    CaseExport,
    DossierReveal,
    ImportLimits,
    InstitutionDossier,
    KnownClient,
    ParsedRecord,
    PersonFacts,
)
from app.domain.identity import WebhookSubscription
from app.domain.institutions import Institution, InstitutionKind
from app.domain.pendenzen import DueWindow
from app.domain.persons import Person
from app.domain.referral import Referral
from app.domain.supervision import RegionProcessCounts
from app.domain.users import User

if TYPE_CHECKING:
    from app.services.audit_ports import AuditLog
    from app.services.identity.ports import IdentityRepository
    from app.services.retention import RetentionStore


class InstitutionRepository(Protocol):
    def get(self, institution_id: uuid.UUID) -> Institution | None: ...
    def by_code(self, code: str) -> Institution | None: ...
    def list(self) -> list[Institution]: ...
    def kinds(self) -> dict[uuid.UUID, InstitutionKind]:
        """Every institution's kind (cached per process: the policy asks on every request)."""
        ...

    def add(self, institution: Institution) -> None: ...


class UserRepository(Protocol):
    def get(self, user_id: uuid.UUID) -> User | None: ...
    def by_username(self, username: str) -> User | None: ...
    def add(self, user: User) -> None: ...
    def list(self) -> list[User]: ...
    def save(self, user: User) -> None: ...


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...
    def get(self, person_id: uuid.UUID) -> Person | None: ...
    def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]: ...
    def by_ahvn13(self, ahvn13: Ahvn13) -> Person | None: ...
    def registrations_by_ahvn13(self, ahvn13: Ahvn13) -> list[Person]:
        """One registration per institution that registered this AHVN13 (each its own Stammdaten)."""
        ...

    def registrations_related_to(self, ahvn13: Ahvn13, institution_id: uuid.UUID) -> list[Person]:
        """The institution's own registration and those of cases it takes part in, earliest first."""
        ...

    def name_twins_related_to(
        self, family_name: str, given_name: str, birth_date: date, institution_id: uuid.UUID
    ) -> list[Person]:
        """Name + birth-date matches among the institution's own and shared registrations only."""
        ...

    def unknown_to(self, persons: Sequence[PersonFacts], institution_id: uuid.UUID) -> list[bool]:
        """Per person: True where neither `registrations_related_to` nor `name_twins_related_to` would
        find anything and no other entry of `persons` has the same AHVN13 or name and birth date."""
        ...

    def other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        """Ids of the same client's registrations by other institutions (for routing; none opened)."""
        ...

    def ids_by_family_name(self, family_name: str) -> frozenset[uuid.UUID]:
        """Exact match on the family name alone through its blind index; nothing is decrypted."""
        ...

    def by_name_and_birth_date(self, family_name: str, given_name: str, birth_date: date) -> list[Person]:
        """Exact match through the blind index (NFKC, casefold): candidates for a person to confirm,
        never a basis for merging on its own."""
        ...

    def save(self, person: Person) -> None: ...


class CaseRepository(Protocol):
    def add(self, case: SharedCase) -> None: ...
    def load(self, case_id: uuid.UUID) -> SealedCase | None:
        """The skeleton and its items' categories and owners; nothing decrypted."""
        ...

    def open(self, sealed: SealedCase, item_ids: Collection[uuid.UUID]) -> SharedCase:
        """The loaded case with exactly the named items decrypted; the others are absent and a save
        leaves them untouched."""
        ...

    def get(self, case_id: uuid.UUID) -> SharedCase | None:
        """Everything decrypted: for the system's own work (import), never a principal's read."""
        ...

    def save(self, case: SharedCase) -> None:
        """Persist what changed; bumps `case.version` (the core's) only when the core changed, and
        fails with StaleVersion on a lost race for the core or a changed record (never for records
        added by two saves at once)."""
        ...

    def current(self, case: SharedCase) -> SealedCase:
        """The headers of the case's records as loaded or as the last save left them (no statement)."""
        ...

    def version_key(self, case: SharedCase) -> bytes:
        """The key of the case's version tags (secret, one per person)."""
        ...

    def touched(self, case: SharedCase) -> frozenset[Part]:
        """The stored parts a save of the loaded `case` would change (added records touch none)."""
        ...

    def page_for_institution(
        self,
        institution_id: uuid.UUID,
        case_filter: CaseFilter,
        cursor: str | None,
        limit: int,
        assigned_user_id: uuid.UUID | None = None,
    ) -> Page[CaseSummary]:
        """Cases the institution participates in; with `assigned_user_id`, only those assigned to the user."""
        ...

    def institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        """Institutions actively participating in any case of the person."""
        ...

    def lead_institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]: ...
    def with_pending_invitation(self, institution_id: uuid.UUID) -> list[uuid.UUID]:
        """Cases where the institution has an open invitation."""
        ...

    def due_for_institution(
        self, institution_id: uuid.UUID, window: DueWindow, assigned_user_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        """The institution's cases on which something can be due within `window` (a superset)."""
        ...

    def person_has_cases(self, person_id: uuid.UUID) -> bool: ...
    def case_ids_of_person(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        """Every case of the person, archived ones included."""
        ...

    def open_case_of_person(self, person_id: uuid.UUID) -> uuid.UUID | None:
        """The person's case that is not archived yet; DFF keeps one shared case per client."""
        ...

    def with_items_of(
        self, category: DataCategory, kinds: Collection[str], after: uuid.UUID | None, limit: int
    ) -> list[uuid.UUID]:
        """Ids (ascending, after `after`) of cases holding items of these stored kinds in `category`:
        for the operator's batch work, never for a principal."""
        ...

    def open_cases_of_other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        """The cases not archived yet of the same client's registrations by other institutions."""
        ...


class ConsentRepository(Protocol):
    def add(self, consent: Consent, evidence_file: bytes) -> None: ...
    def get(self, consent_id: uuid.UUID) -> Consent | None: ...
    def for_case(self, case_id: uuid.UUID) -> list[Consent]: ...
    def for_cases(self, case_ids: Sequence[uuid.UUID]) -> list[Consent]:
        """The consents of these cases in one statement (also for none)."""
        ...

    def awaiting_owner(self, institution_id: uuid.UUID, now: datetime) -> list[Consent]: ...
    def save(self, consent: Consent) -> None: ...
    def append_event(self, event: ConsentEvent) -> None: ...
    def history(self, consent_id: uuid.UUID) -> list[ConsentEvent]: ...
    def evidence_file(self, consent_id: uuid.UUID) -> bytes | None: ...


class AssignmentRepository(Protocol):
    def add(self, assignment: CaseAssignment) -> None: ...
    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool: ...
    def is_assigned(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool: ...
    def for_case(self, case_id: uuid.UUID) -> list[CaseAssignment]: ...
    def assigned_to_case_of_person(self, user_id: uuid.UUID, person_id: uuid.UUID) -> bool: ...


class BreakGlassRepository(Protocol):
    def add(self, opening: BreakGlass) -> None: ...
    def active(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> BreakGlass | None: ...


class DocumentRepository(Protocol):
    """Documents sealed at rest; `get` and `list_for_case` decrypt nothing (no file name either)."""

    def add(
        self, document: Document, filename: str, content: Iterable[bytes], max_bytes: int
    ) -> Document: ...
    def get(self, document_id: uuid.UUID) -> Document | None: ...
    def list_for_case(self, case_id: uuid.UUID) -> list[Document]: ...
    def filename(self, document: Document) -> str: ...
    def content(self, document: Document) -> Iterator[bytes]: ...


class DossierRepository(Protocol):
    """The institutions' own dossiers on shared cases (one per institution and case)."""

    def of_case(self, case_id: uuid.UUID, reveal: DossierReveal | None = None) -> list[InstitutionDossier]:
        """The case's dossiers whose facts `reveal` lets open (all without one); others are left out."""
        ...

    def get(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> InstitutionDossier | None: ...

    def save(self, dossier: InstitutionDossier, *, new: bool = False) -> None:
        """Insert or replace; `new` promises that the case has no dossier of this institution yet."""
        ...

    def known_clients(
        self, persons: Sequence[PersonFacts], institution_id: uuid.UUID
    ) -> list[KnownClient | None]:
        """Per person: what the institution holds on it where that is unambiguous — exactly one
        registration with this AHVN13 related to the institution (`PersonRepository.
        registrations_related_to`), its open case in which the institution actively takes part, and the
        institution's dossier there — else None. A handful of statements for the whole list."""
        ...


class ReferralRepository(Protocol):
    def add(self, referral: Referral) -> None: ...
    def get(self, referral_id: uuid.UUID) -> Referral | None: ...
    def save(self, referral: Referral) -> None: ...
    def involving(self, institution_id: uuid.UUID) -> list[Referral]: ...
    def awaiting_decision(self, institution_id: uuid.UUID, due_by: date) -> list[Referral]: ...


class SupervisionQueries(Protocol):
    def process_counts(self, today: date, intake_segment_days: int) -> list[RegionProcessCounts]: ...


class EventLog(Protocol):
    """The outbox of change events, in the order they were written."""

    def after(self, sequence: int, limit: int) -> list[ChangeEvent]: ...
    def add(self, event: ChangeEvent, dedupe_key: str | None = None) -> None:
        """Announce an event in the current transaction (most are announced by the audit recorder)."""
        ...

    def announced(self, dedupe_key: str) -> bool: ...


class InstitutionFormat(Protocol):
    """An institution kind's exchange format (app/adapters/institutions/)."""

    kind: InstitutionKind
    media_type: str
    suffix: str

    def parse(self, payload: bytes, limits: ImportLimits) -> list[ParsedRecord]:
        """Raises FormatError when the file as a whole cannot be read."""
        ...

    def render(self, export: CaseExport) -> bytes: ...


class AuditRecorder(Protocol):
    """Append-only: the only operation is append. Must join the caller's transaction."""

    def append(self, event: AuditEvent) -> None: ...


class SubscriptionStore(Protocol):
    """Webhook subscriptions; the signing secret goes in sealed and never comes back out."""

    def add(self, institution_id: uuid.UUID, url: str, secret: str, now: datetime) -> WebhookSubscription: ...
    def list(self) -> list[WebhookSubscription]: ...
    def deactivate(self, subscription_id: uuid.UUID) -> WebhookSubscription | None: ...


class AnomalyReviews(Protocol):
    """The DPO's "erledigt" per anomaly (the note sealed at rest)."""

    def of(self, keys: Collection[str]) -> dict[str, AnomalyReview]: ...
    def save(self, review: AnomalyReview) -> None: ...


class UnitOfWork(Protocol):
    """Owns the transaction: commits when the `with` block ends normally, rolls back otherwise."""

    @property
    def institutions(self) -> InstitutionRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def persons(self) -> PersonRepository: ...
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def audit(self) -> AuditRecorder: ...
    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def assignments(self) -> AssignmentRepository: ...
    @property
    def break_glass(self) -> BreakGlassRepository: ...
    @property
    def dossiers(self) -> DossierRepository: ...
    @property
    def events(self) -> EventLog: ...
    @property
    def identity(self) -> IdentityRepository: ...
    @property
    def subscriptions(self) -> SubscriptionStore: ...
    @property
    def audit_log(self) -> AuditLog: ...
    @property
    def retention(self) -> RetentionStore: ...
    @property
    def referrals(self) -> ReferralRepository: ...
    @property
    def supervision(self) -> SupervisionQueries: ...
    @property
    def anomaly_reviews(self) -> AnomalyReviews: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: object, exc: object, tb: object) -> None: ...
    def inserting_together(self) -> AbstractContextManager[Together]:
        """Inside `with uow:`: the new rows of the block are written together at its end. The block
        only adds (persons, cases, dossiers, audit and change events), never reads back what it added;
        a uniqueness conflict surfaces at the end as ConcurrentConflict."""
        ...


class Together(Protocol):
    def each(self) -> AbstractContextManager[None]:
        """Around one record's work in `inserting_together`: if it raises, what it added is dropped and
        the others' rows are still written."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...
