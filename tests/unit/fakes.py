"""In-memory fakes of the ports (app/services/ports.py): a unit of work whose repositories are dicts.

The services run on them unchanged, so the policy, the access step and the state machines can be
tested by the thousand in milliseconds. The fake keeps the properties the services rely on:
- a transaction: everything done inside `with uow:` is kept on a normal exit and thrown away on an
  exception (the store's collections are copied on entry and put back on failure; stored objects
  are never changed in place, only replaced, so a shallow copy is enough);
- sealed items: `cases.load` gives the skeleton and the items' headers only, `cases.open` copies in
  exactly the named items, and a save keeps the items that were not opened;
- optimistic versions on cases, persons and consents.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Self

from app.domain.ahvn13 import Ahvn13
from app.domain.assignments import CaseAssignment
from app.domain.audit import AuditEvent
from app.domain.break_glass import BreakGlass
from app.domain.cases import CasePhase, SharedCase
from app.domain.cases.listing import CaseFilter, CaseSummary, Page
from app.domain.cases.sealed import SealedCase, SealedItem
from app.domain.cases.versions import CORE, Part, Section
from app.domain.categories import DataCategory
from app.domain.consent import Consent, ConsentEvent
from app.domain.documents import Document, DocumentTooLarge, sniff_media_type
from app.domain.errors import StaleVersion
from app.domain.events import ChangeEvent, event_for
from app.domain.exchange import DossierReveal, InstitutionDossier, KnownClient, PersonFacts
from app.domain.institutions import Institution, InstitutionKind
from app.domain.persons import Person
from app.domain.users import User

_LISTS = (
    "segment_history",
    "goals",
    "measures",
    "assessments",
    "reviews",
    "conferences",
    "journal",
    "intake_records",
    "cooperations",
    "notes",
)
_KINDS = {
    "segment_history": "segment",
    "goals": "goal",
    "measures": "measure",
    "assessments": "assessment",
    "reviews": "review",
    "conferences": "conference",
    "journal": "journal",
    "intake_records": "intake",
    "cooperations": "cooperation",
    "notes": "note",
}


@dataclass
class Store:
    """Everything the fake database holds."""

    institutions: dict[uuid.UUID, Institution] = field(default_factory=dict)
    users: dict[uuid.UUID, User] = field(default_factory=dict)
    persons: dict[uuid.UUID, Person] = field(default_factory=dict)
    cases: dict[uuid.UUID, SharedCase] = field(default_factory=dict)
    consents: dict[uuid.UUID, Consent] = field(default_factory=dict)
    evidence: dict[uuid.UUID, bytes] = field(default_factory=dict)
    consent_events: list[ConsentEvent] = field(default_factory=list)
    assignments: list[CaseAssignment] = field(default_factory=list)
    break_glass: list[BreakGlass] = field(default_factory=list)
    documents: dict[uuid.UUID, tuple[Document, str, bytes]] = field(default_factory=dict)
    dossiers: dict[tuple[uuid.UUID, uuid.UUID], InstitutionDossier] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    events: list[ChangeEvent] = field(default_factory=list)
    event_keys: set[str] = field(default_factory=set)


_FIELDS = tuple(Store.__dataclass_fields__)


def _items(case: SharedCase) -> Iterator[tuple[str, Any]]:
    for name in _LISTS:
        for item in getattr(case, name):
            yield _KINDS[name], item
    if case.closure is not None:
        yield "closure", case.closure
    if case.follow_up is not None:
        yield "follow_up", case.follow_up


def _core(case: SharedCase) -> tuple[Any, ...]:
    return (
        case.phase,
        case.lead_institution_id,
        case.contact_person,
        case.participations,
        case.invitations,
        case.reassessment_interval_months,
        case.ends_on,
    )


def _skeleton(case: SharedCase) -> SharedCase:
    empty: dict[str, Any] = {name: [] for name in _LISTS}
    participations = copy.deepcopy(case.participations)
    invitations = copy.deepcopy(case.invitations)  # structured facts of the shared core, like participants
    return replace(
        case, participations=participations, invitations=invitations, closure=None, follow_up=None, **empty
    )


class FakeInstitutions:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, institution_id: uuid.UUID) -> Institution | None:
        return self._store.institutions.get(institution_id)

    def by_code(self, code: str) -> Institution | None:
        return next((i for i in self._store.institutions.values() if i.code == code), None)

    def list(self) -> list[Institution]:
        return list(self._store.institutions.values())

    def kinds(self) -> dict[uuid.UUID, InstitutionKind]:
        return {i.id: i.kind for i in self._store.institutions.values()}

    def add(self, institution: Institution) -> None:
        self._store.institutions[institution.id] = institution


class FakeUsers:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, user_id: uuid.UUID) -> User | None:
        return self._store.users.get(user_id)

    def by_username(self, username: str) -> User | None:
        return next((u for u in self._store.users.values() if u.username == username), None)

    def add(self, user: User) -> None:
        self._store.users[user.id] = user

    def list(self) -> list[User]:
        return sorted(self._store.users.values(), key=lambda u: u.username)

    def save(self, user: User) -> None:
        self._store.users[user.id] = user


class FakePersons:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, person: Person) -> None:
        self._store.persons[person.id] = copy.deepcopy(person)

    def get(self, person_id: uuid.UUID) -> Person | None:
        found = self._store.persons.get(person_id)
        return copy.deepcopy(found) if found else None

    def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        return {i: copy.deepcopy(self._store.persons[i]) for i in person_ids if i in self._store.persons}

    def by_ahvn13(self, ahvn13: Ahvn13) -> Person | None:
        found = self.registrations_by_ahvn13(ahvn13)
        return found[0] if found else None

    def registrations_by_ahvn13(self, ahvn13: Ahvn13) -> list[Person]:
        return [copy.deepcopy(p) for p in self._store.persons.values() if p.ahvn13 == ahvn13]

    def other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        person = self._store.persons.get(person_id)
        if person is None:
            return []
        return [p.id for p in self._store.persons.values() if p.ahvn13 == person.ahvn13 and p.id != person_id]

    def name_twins_related_to(
        self, family_name: str, given_name: str, birth_date: date, institution_id: uuid.UUID
    ) -> list[Person]:
        related = {p.id for p in self._store.persons.values() if self._related(p, institution_id)}
        return [
            p for p in self.by_name_and_birth_date(family_name, given_name, birth_date) if p.id in related
        ]

    def _related(self, person: Person, institution_id: uuid.UUID) -> bool:
        return person.registered_by_institution_id == institution_id or any(
            c.person_id == person.id
            and any(p.institution_id == institution_id for p in c.active_participations)
            for c in self._store.cases.values()
        )

    def registrations_related_to(self, ahvn13: Ahvn13, institution_id: uuid.UUID) -> list[Person]:
        taking_part = {
            c.person_id
            for c in self._store.cases.values()
            if any(p.institution_id == institution_id for p in c.active_participations)
        }
        return [
            p
            for p in self.registrations_by_ahvn13(ahvn13)
            if p.registered_by_institution_id == institution_id or p.id in taking_part
        ]

    def unknown_to(self, persons: Sequence[PersonFacts], institution_id: uuid.UUID) -> list[bool]:
        def keys(p: PersonFacts) -> tuple[object, ...]:
            return (
                p.ahvn13,
                (p.family_name.strip().casefold(), p.given_name.strip().casefold(), p.birth_date),
            )

        seen = Counter(key for p in persons for key in keys(p))
        return [
            not self.registrations_related_to(p.ahvn13, institution_id)
            and not self.name_twins_related_to(p.family_name, p.given_name, p.birth_date, institution_id)
            and all(seen[key] == 1 for key in keys(p))
            for p in persons
        ]

    def ids_by_family_name(self, family_name: str) -> frozenset[uuid.UUID]:
        wanted = " ".join(family_name.casefold().split())
        return frozenset(
            p.id for p in self._store.persons.values() if " ".join(p.family_name.casefold().split()) == wanted
        )

    def by_name_and_birth_date(self, family_name: str, given_name: str, birth_date: date) -> list[Person]:
        def key(name: str) -> str:
            return name.strip().casefold()

        return [
            copy.deepcopy(p)
            for p in self._store.persons.values()
            if key(p.family_name) == key(family_name)
            and key(p.given_name) == key(given_name)
            and p.birth_date == birth_date
        ]

    def save(self, person: Person) -> None:
        stored = self._store.persons.get(person.id)
        if stored is None or stored.version != person.version:
            raise StaleVersion()
        person.version += 1
        self._store.persons[person.id] = copy.deepcopy(person)


class FakeCases:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._withheld: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.opened: list[uuid.UUID] = []  # every item decrypted in this unit of work

    def add(self, case: SharedCase) -> None:
        self._store.cases[case.id] = copy.deepcopy(case)

    def load(self, case_id: uuid.UUID) -> SealedCase | None:
        stored = self._store.cases.get(case_id)
        if stored is None:
            return None
        headers = tuple(
            SealedItem(item.id, kind, item.category, item.owner_institution_id)
            for kind, item in _items(stored)
        )
        return SealedCase(_skeleton(stored), headers)

    def open(self, sealed: SealedCase, item_ids: Collection[uuid.UUID]) -> SharedCase:
        stored = self._store.cases[sealed.case.id]
        wanted = set(item_ids)
        case = sealed.case
        for name in _LISTS:
            setattr(case, name, [copy.deepcopy(i) for i in getattr(stored, name) if i.id in wanted])
        case.closure = (
            copy.deepcopy(stored.closure) if stored.closure and stored.closure.id in wanted else None
        )
        case.follow_up = (
            copy.deepcopy(stored.follow_up) if stored.follow_up and stored.follow_up.id in wanted else None
        )
        self.opened.extend(i for i in wanted if i not in self.opened)
        self._withheld[case.id] = {item.id for _, item in _items(stored)} - wanted
        return case

    def get(self, case_id: uuid.UUID) -> SharedCase | None:
        sealed = self.load(case_id)
        return self.open(sealed, [i.id for i in sealed.items]) if sealed else None

    def current(self, case: SharedCase) -> SealedCase:
        stored = self._store.cases.get(case.id)
        items = _items(stored) if stored is not None else iter(())
        return SealedCase(
            case, tuple(SealedItem(i.id, kind, i.category, i.owner_institution_id) for kind, i in items)
        )

    def version_key(self, case: SharedCase) -> bytes:
        return b"fake version key"

    def touched(self, case: SharedCase) -> frozenset[Part]:
        stored = self._store.cases.get(case.id)
        if stored is None:
            return frozenset({CORE})
        before = {item.id: item for _, item in _items(stored)}
        parts: set[Part] = {
            Section(item.category, item.owner_institution_id)
            for _, item in _items(case)
            if item.id in before and before[item.id] != item
        }
        if _core(stored) != _core(case):
            parts.add(CORE)
        return frozenset(parts)

    def save(self, case: SharedCase) -> None:
        stored = self._store.cases.get(case.id)
        if stored is None or stored.version != case.version:
            raise StaleVersion()
        withheld = self._withheld.get(case.id, set())
        kept = copy.deepcopy(case)
        for name in _LISTS:  # items the caller never opened stay as they are
            setattr(
                kept, name, [*getattr(kept, name), *(i for i in getattr(stored, name) if i.id in withheld)]
            )
        if stored.closure and stored.closure.id in withheld:
            kept.closure = stored.closure
        if stored.follow_up and stored.follow_up.id in withheld:
            kept.follow_up = stored.follow_up
        case.version += 1
        kept.version = case.version
        self._store.cases[case.id] = kept

    def page_for_institution(
        self,
        institution_id: uuid.UUID,
        case_filter: CaseFilter,
        cursor: str | None,
        limit: int,
        assigned_user_id: uuid.UUID | None = None,
    ) -> Page[CaseSummary]:
        found = [c for c in self._store.cases.values() if c.is_participant(institution_id)]
        if assigned_user_id is not None:
            mine = {a.case_id for a in self._store.assignments if a.user_id == assigned_user_id}
            found = [c for c in found if c.id in mine]
        if case_filter.segment is not None:
            found = [c for c in found if c.current_segment is case_filter.segment]
        if case_filter.phase is not None:
            found = [c for c in found if c.phase is case_filter.phase]
        due_by = case_filter.reassessment_due_by
        if due_by is not None:
            found = [
                c for c in found if c.reassessment_due_on is not None and c.reassessment_due_on <= due_by
            ]
        found.sort(key=lambda c: (c.opened_on, c.id), reverse=True)
        start = int(cursor) if cursor else 0
        page = found[start : start + limit]
        more = len(found) > start + limit
        return Page([_summary(c) for c in page], str(start + limit) if more else None)

    def institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        return {
            p.institution_id
            for c in self._store.cases.values()
            if c.person_id == person_id
            for p in c.active_participations
        }

    def lead_institutions_of_person(self, person_id: uuid.UUID) -> set[uuid.UUID]:
        return {
            c.lead_institution_id
            for c in self._store.cases.values()
            if c.person_id == person_id and c.phase is not CasePhase.ARCHIVED
        }

    def person_has_cases(self, person_id: uuid.UUID) -> bool:
        return any(c.person_id == person_id for c in self._store.cases.values())

    def case_ids_of_person(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        found = [c for c in self._store.cases.values() if c.person_id == person_id]
        return [c.id for c in sorted(found, key=lambda c: c.opened_on)]

    def due_for_institution(
        self, institution_id: uuid.UUID, window: object, assigned_user_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        """Every case of the institution: a superset is what the port promises."""
        found = [c for c in self._store.cases.values() if c.is_participant(institution_id)]
        if assigned_user_id is not None:
            mine = {a.case_id for a in self._store.assignments if a.user_id == assigned_user_id}
            found = [c for c in found if c.id in mine]
        return [c.id for c in found]

    def with_pending_invitation(self, institution_id: uuid.UUID) -> list[uuid.UUID]:
        return [
            c.id for c in self._store.cases.values() if c.pending_invitation_for(institution_id) is not None
        ]

    def with_items_of(
        self, category: DataCategory, kinds: Collection[str], after: uuid.UUID | None, limit: int
    ) -> list[uuid.UUID]:
        found = sorted(
            case_id
            for case_id, stored in self._store.cases.items()
            if any(k in kinds and item.category is category for k, item in _items(stored))
            and (after is None or case_id > after)
        )
        return found[:limit]

    def open_cases_of_other_registrations(self, person_id: uuid.UUID) -> list[uuid.UUID]:
        person = self._store.persons.get(person_id)
        if person is None:
            return []
        others = {p.id for p in self._store.persons.values() if p.ahvn13 == person.ahvn13} - {person_id}
        return [
            c.id
            for c in self._store.cases.values()
            if c.person_id in others and c.phase is not CasePhase.ARCHIVED
        ]

    def open_case_of_person(self, person_id: uuid.UUID) -> uuid.UUID | None:
        return next(
            (
                c.id
                for c in self._store.cases.values()
                if c.person_id == person_id and c.phase is not CasePhase.ARCHIVED
            ),
            None,
        )


def _summary(case: SharedCase) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        person_id=case.person_id,
        phase=case.phase,
        lead_institution_id=case.lead_institution_id,
        opened_on=case.opened_on,
        current_segment=case.current_segment,
        reassessment_due_on=case.reassessment_due_on,
        version=case.version,
        participant_institution_ids=frozenset(p.institution_id for p in case.active_participations),
    )


class FakeConsents:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, consent: Consent, evidence_file: bytes) -> None:
        self._store.consents[consent.id] = copy.deepcopy(consent)
        self._store.evidence[consent.id] = evidence_file

    def get(self, consent_id: uuid.UUID) -> Consent | None:
        found = self._store.consents.get(consent_id)
        return copy.deepcopy(found) if found else None

    def for_case(self, case_id: uuid.UUID) -> list[Consent]:
        found = [c for c in self._store.consents.values() if c.case_id == case_id]
        return [copy.deepcopy(c) for c in sorted(found, key=lambda c: c.granted_at)]

    def for_cases(self, case_ids: Sequence[uuid.UUID]) -> list[Consent]:
        return [c for case_id in case_ids for c in self.for_case(case_id)]

    def awaiting_owner(self, institution_id: uuid.UUID, now: datetime) -> list[Consent]:
        found = [
            c
            for c in self._store.consents.values()
            if c.revoked_at is None
            and c.superseded_at is None
            and c.valid_until > now
            and institution_id in c.owners - c.confirmed_by
        ]
        return [copy.deepcopy(c) for c in sorted(found, key=lambda c: c.granted_at)]

    def save(self, consent: Consent) -> None:
        stored = self._store.consents.get(consent.id)
        if stored is None or stored.version != consent.version:
            raise StaleVersion()
        consent.version += 1
        self._store.consents[consent.id] = copy.deepcopy(consent)

    def append_event(self, event: ConsentEvent) -> None:
        self._store.consent_events.append(event)

    def history(self, consent_id: uuid.UUID) -> list[ConsentEvent]:
        return [e for e in self._store.consent_events if e.consent_id == consent_id]

    def evidence_file(self, consent_id: uuid.UUID) -> bytes | None:
        return self._store.evidence.get(consent_id)


class FakeAssignments:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, assignment: CaseAssignment) -> None:
        self._store.assignments.append(assignment)

    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        before = len(self._store.assignments)
        self._store.assignments[:] = [
            a for a in self._store.assignments if (a.case_id, a.user_id) != (case_id, user_id)
        ]
        return len(self._store.assignments) < before

    def is_assigned(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return any((a.case_id, a.user_id) == (case_id, user_id) for a in self._store.assignments)

    def for_case(self, case_id: uuid.UUID) -> list[CaseAssignment]:
        return [a for a in self._store.assignments if a.case_id == case_id]

    def assigned_to_case_of_person(self, user_id: uuid.UUID, person_id: uuid.UUID) -> bool:
        cases = {c.id for c in self._store.cases.values() if c.person_id == person_id}
        return any(a.user_id == user_id and a.case_id in cases for a in self._store.assignments)


class FakeBreakGlass:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, opening: BreakGlass) -> None:
        self._store.break_glass.append(opening)

    def active(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> BreakGlass | None:
        return next(
            (
                b
                for b in self._store.break_glass
                if (b.case_id, b.user_id) == (case_id, user_id) and b.is_active(now)
            ),
            None,
        )


class FakeDocuments:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, document: Document, filename: str, content: Iterable[bytes], max_bytes: int) -> Document:
        data = b"".join(content)
        if len(data) > max_bytes:
            raise DocumentTooLarge("Das Dokument ist zu gross.", "content")
        stored = replace(document, media_type=sniff_media_type(data[:16]), size_bytes=len(data))
        self._store.documents[document.id] = (stored, filename, data)
        return stored

    def get(self, document_id: uuid.UUID) -> Document | None:
        found = self._store.documents.get(document_id)
        return found[0] if found else None

    def list_for_case(self, case_id: uuid.UUID) -> list[Document]:
        return [d for d, _, _ in self._store.documents.values() if d.case_id == case_id]

    def filename(self, document: Document) -> str:
        return self._store.documents[document.id][1]

    def content(self, document: Document) -> Iterator[bytes]:
        yield self._store.documents[document.id][2]


class FakeDossiers:
    def __init__(self, store: Store) -> None:
        self._store = store

    def of_case(self, case_id: uuid.UUID, reveal: DossierReveal | None = None) -> list[InstitutionDossier]:
        return [
            d
            for (c, _), d in self._store.dossiers.items()
            if c == case_id and (reveal is None or reveal(d.category, d.institution_id))
        ]

    def get(self, case_id: uuid.UUID, institution_id: uuid.UUID) -> InstitutionDossier | None:
        return self._store.dossiers.get((case_id, institution_id))

    def save(self, dossier: InstitutionDossier, *, new: bool = False) -> None:
        key = (dossier.case_id, dossier.institution_id)
        assert not (new and key in self._store.dossiers), "save(new=True) of a dossier that exists"
        self._store.dossiers[key] = dossier

    def known_clients(
        self, persons: Sequence[PersonFacts], institution_id: uuid.UUID
    ) -> list[KnownClient | None]:
        known: list[KnownClient | None] = []
        for facts in persons:
            related = FakePersons(self._store).registrations_related_to(facts.ahvn13, institution_id)
            cases = [
                c
                for c in self._store.cases.values()
                if len(related) == 1 and c.person_id == related[0].id and c.phase is not CasePhase.ARCHIVED
            ]
            participation = cases[0].participation_of(institution_id) if cases else None
            if participation is None:
                known.append(None)
                continue
            dossier = self._store.dossiers.get((cases[0].id, institution_id))
            known.append(KnownClient(related[0], cases[0].id, participation.local_reference, dossier))
        return known


class FakeAudit:
    """Appends the audit event and, like the outbox recorder, its change event."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append(self, event: AuditEvent) -> None:
        self._store.audit.append(event)
        change = event_for(event)
        if change is not None:
            self._store.events.append(replace(change, sequence=len(self._store.events) + 1))


class FakeEventLog:
    def __init__(self, store: Store) -> None:
        self._store = store

    def after(self, sequence: int, limit: int) -> list[ChangeEvent]:
        return [e for e in self._store.events if (e.sequence or 0) > sequence][:limit]

    def add(self, event: ChangeEvent, dedupe_key: str | None = None) -> None:
        if dedupe_key is not None:
            self._store.event_keys.add(dedupe_key)
        self._store.events.append(replace(event, sequence=len(self._store.events) + 1))

    def announced(self, dedupe_key: str) -> bool:
        return dedupe_key in self._store.event_keys


class _NotFaked:
    """Identity, audit review and retention have their own tests on the real adapters."""

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"not faked: {name}")


class _FakeTogether:
    def __init__(self, store: Store) -> None:
        self._store = store

    @contextmanager
    def each(self) -> Iterator[None]:
        kept = {name: copy.copy(getattr(self._store, name)) for name in _FIELDS}
        try:
            yield
        except BaseException:
            for name, value in kept.items():
                setattr(self._store, name, value)
            raise


class FakeUnitOfWork:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._snapshot: Store | None = None
        self.commits = 0
        self._bind()

    def _bind(self) -> None:
        store = self.store
        self.institutions = FakeInstitutions(store)
        self.users = FakeUsers(store)
        self.persons = FakePersons(store)
        self.cases = FakeCases(store)
        self.consents = FakeConsents(store)
        self.assignments = FakeAssignments(store)
        self.break_glass = FakeBreakGlass(store)
        self.documents = FakeDocuments(store)
        self.dossiers = FakeDossiers(store)
        self.audit = FakeAudit(store)
        self.events = FakeEventLog(store)
        self.identity: Any = _NotFaked()
        self.subscriptions: Any = _NotFaked()
        self.audit_log: Any = _NotFaked()
        self.retention: Any = _NotFaked()

    def __enter__(self) -> Self:
        if self._snapshot is not None:
            raise RuntimeError("Unit of work is already in use")
        self._snapshot = Store(**{name: copy.copy(getattr(self.store, name)) for name in _FIELDS})
        self._bind()
        return self

    def inserting_together(self) -> AbstractContextManager[_FakeTogether]:
        return nullcontext(_FakeTogether(self.store))

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        snapshot, self._snapshot = self._snapshot, None
        assert snapshot is not None
        if exc_type is None:
            self.commits += 1
        else:  # roll back: the store as it was when the transaction began
            for name in _FIELDS:
                setattr(self.store, name, getattr(snapshot, name))


def fake_uow_factory(store: Store | None = None) -> Callable[[], FakeUnitOfWork]:
    shared = store or Store()
    return lambda: FakeUnitOfWork(shared)


def utcnow() -> datetime:
    return datetime.now(UTC)
