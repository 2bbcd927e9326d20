"""The interfaces the services need from the outside world. Adapters implement them structurally."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, Self

from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditEvent
from app.domain.cases import SharedCase
from app.domain.cases.listing import CaseFilter, CaseSummary, Page
from app.domain.institutions import Institution
from app.domain.persons import Person
from app.domain.users import User


class InstitutionRepository(Protocol):
    def get(self, institution_id: uuid.UUID) -> Institution | None: ...
    def by_code(self, code: str) -> Institution | None: ...
    def list(self) -> list[Institution]: ...
    def add(self, institution: Institution) -> None: ...


class UserRepository(Protocol):
    def get(self, user_id: uuid.UUID) -> User | None: ...
    def by_username(self, username: str) -> User | None: ...
    def add(self, user: User) -> None: ...
    def list(self) -> list[User]: ...


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...
    def get(self, person_id: uuid.UUID) -> Person | None: ...
    def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]: ...
    def by_ahvn13(self, ahvn13: Ahvn13) -> Person | None: ...
    def save(self, person: Person) -> None: ...


class CaseRepository(Protocol):
    def add(self, case: SharedCase) -> None: ...
    def get(self, case_id: uuid.UUID) -> SharedCase | None: ...
    def save(self, case: SharedCase) -> None:
        """Persist changes; bumps `case.version` and fails with StaleVersion on a lost race."""
        ...

    def page_for_institution(
        self, institution_id: uuid.UUID, case_filter: CaseFilter, cursor: str | None, limit: int
    ) -> Page[CaseSummary]: ...
    def institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        """Institutions actively participating in any case of the person."""
        ...

    def lead_institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]: ...
    def open_case_of_person(self, person_id: uuid.UUID) -> uuid.UUID | None:
        """The person's case that is not archived yet; DFF keeps one shared case per client."""
        ...


class AuditRecorder(Protocol):
    """Append-only: the only operation is append. Must join the caller's transaction."""

    def append(self, event: AuditEvent) -> None: ...


class UnitOfWork(Protocol):
    """Owns the transaction: commits when the `with` block ends normally, rolls back otherwise."""

    institutions: InstitutionRepository
    users: UserRepository
    persons: PersonRepository
    cases: CaseRepository
    audit: AuditRecorder

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
