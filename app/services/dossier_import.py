"""Batch import from an institution's own system: one audit event per record, records applied in
batches of one transaction each (every record in its own savepoint, see `_batches`).

Who may call: a system client or caseworker of an institution whose kind matches the format
(an RAV imports RAV files), with the permission to write cases. The institution becomes the lead
of a case it opens this way; an existing case of the client is updated only where the institution
already participates in it. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import Measure, SharedCase
from app.domain.categories import DataCategory
from app.domain.errors import ConcurrentConflict, DataDestroyed, DomainError, InvariantViolation, StaleVersion
from app.domain.exchange import (
    DossierRecord,
    FormatError,
    ImportLimits,
    InstitutionDossier,
    KnownClient,
    RecordError,
)
from app.domain.exhaustion import DEFAULT_HORIZON_DAYS
from app.domain.institutions import Institution
from app.domain.permissions import Permission, permits
from app.domain.persons import Person
from app.services.access.basis import sees_all_institution_cases
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import Forbidden, ServiceError
from app.services.exhaustion_notice import announce_threatening_exhaustion
from app.services.person_matching import accessible_person, match_candidates, update_stammdaten
from app.services.ports import InstitutionFormat, UnitOfWork


class RecordOutcome(StrEnum):
    CREATED = "created"  # the institution's dossier on the client is new
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"  # nothing of this record was stored


@dataclass(frozen=True)
class RecordResult:
    location: str  # "Zeile 12" or a JSON pointer
    outcome: RecordOutcome
    message: str = ""
    local_reference: str = ""
    person_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    candidate_person_ids: tuple[uuid.UUID, ...] = ()


@dataclass
class ImportReport:
    dry_run: bool
    results: list[RecordResult] = field(default_factory=list)

    def count(self, outcome: RecordOutcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)

    def summary(self) -> dict[str, int]:
        return {outcome.value: self.count(outcome) for outcome in RecordOutcome}


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    confirm_new_persons: bool = False  # create a person although a name + birth date candidate exists
    default_interval_months: int = 6
    limits: ImportLimits = field(default_factory=ImportLimits)
    exhaustion_horizon_days: int = DEFAULT_HORIZON_DAYS  # "Aussteuerung droht" within this many days


class _DryRun(Exception):
    def __init__(self, result: RecordResult) -> None:
        self.result = result


def import_file(
    uow: UnitOfWork,
    ctx: RequestContext,
    fmt: InstitutionFormat,
    payload: bytes,
    options: ImportOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse the file and apply each record on its own. A file that cannot be read at all
    yields one error result for the whole file."""
    with refusals_recorded(uow, ctx, operation=f"import.{fmt.kind.value}", action=AuditAction.CREATE):
        require(ctx.principal, Permission.CASE_WRITE)
        institution = _importing_institution(uow, ctx, fmt)
    report = ImportReport(dry_run=options.dry_run)
    try:
        parsed = fmt.parse(payload, options.limits)
    except FormatError as error:
        report.results.append(RecordResult("Datei", RecordOutcome.ERROR, error.message))
        with uow:  # the attempt is on record even though nothing of the file was read
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.CREATE,
                    operation=f"import.{fmt.kind.value}",
                    outcome=AuditOutcome.REFUSED,
                    reason="Importdatei nicht lesbar; nichts übernommen.",
                )
            )
        return report
    done = 0
    for number, batch in enumerate(_batches(parsed)):
        more_follow = number == 0 and len(parsed) > BATCH_SIZE and not options.dry_run
        with _one_transaction(uow, more_follow):
            taken = {}
            if not options.dry_run:  # a dry run records every record's probe on its own
                taken = _take_over_new_persons(uow, ctx, institution, batch, options)
                taken |= _unchanged_known_clients(uow, ctx, institution, batch, taken.keys())
            for position, record in enumerate(batch):
                if isinstance(record, RecordError):
                    result = RecordResult(record.location, RecordOutcome.ERROR, record.message)
                else:
                    result = taken.get(position) or _import_record(uow, ctx, institution, record, options)
                report.results.append(result)
                done += 1
                if progress is not None:
                    progress(done, len(parsed))
    return report


BATCH_SIZE = 1000


@runtime_checkable
class _BatchingUnitOfWork(Protocol):
    def batch(self, *, more_follow: bool = False) -> AbstractContextManager[None]: ...


def _batches(
    records: Sequence[DossierRecord | RecordError],
) -> Iterator[Sequence[DossierRecord | RecordError]]:
    for start in range(0, len(records), BATCH_SIZE):
        yield records[start : start + BATCH_SIZE]


def _one_transaction(uow: UnitOfWork, more_follow: bool) -> AbstractContextManager[None]:
    """The records of a batch commit together; each keeps its own `with uow:` block, which the
    batch turns into a savepoint: a failing record rolls back alone, with the same result and audit
    event as on its own. A unit of work without batches (a test fake) applies record by record.
    `more_follow` is said only of an import's first batch, and only when it writes (no dry run)."""
    if isinstance(uow, _BatchingUnitOfWork):
        return uow.batch(more_follow=more_follow)
    return nullcontext()


def _unchanged_known_clients(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    batch: Sequence[DossierRecord | RecordError],
    taken: Collection[int],
) -> dict[int, RecordResult]:
    """The records that would change nothing, by position in the batch (those `taken` already aside),
    found with a handful of statements for the whole batch: the institution's one related registration
    of the AHVN13 with the same names and birth date, its open case the institution takes part in under
    the same reference, no measure of the institution in the record, and a dossier with the same
    content. Only where the record's own way would choose the same person: for a caller who sees every
    case of its institution, and an AHVN13 found once in the batch (a record before it could change what
    it finds). Everything else goes its own way, which writes what changed and answers as always."""
    if not (permits(ctx.principal, Permission.CASE_READ) and sees_all_institution_cases(ctx)):
        return {}
    seen = Counter(record.person.ahvn13 for record in batch if isinstance(record, DossierRecord))
    own = {
        position: record
        for position, record in enumerate(batch)
        if isinstance(record, DossierRecord)
        and position not in taken
        and _names_own(institution, record.office_code)
        and seen[record.person.ahvn13] == 1
        and not any(_names_own(institution, planned.owner_code) for planned in record.measures)
    }
    if not own:
        return {}
    with uow:
        known = uow.dossiers.known_clients([record.person for record in own.values()], institution.id)
    return {
        position: RecordResult(
            record.location,
            RecordOutcome.UNCHANGED,
            "",
            record.local_reference,
            client.person.id,
            client.case_id,
        )
        for (position, record), client in zip(own.items(), known, strict=True)
        if client is not None and _changes_nothing(record, client, institution)
    }


def _changes_nothing(record: DossierRecord, client: KnownClient, institution: Institution) -> bool:
    """What `_take_over` compares for a person the caller has: Stammdaten, reference, dossier."""
    person, facts = client.person, record.person
    if (person.family_name, person.given_name, person.birth_date) != (
        facts.family_name,
        facts.given_name,
        facts.birth_date,
    ):
        return False
    if client.local_reference != record.local_reference or client.dossier is None:
        return False
    wanted = _dossier_of(record, institution, client.case_id, client.dossier.id)
    return wanted.fingerprint() == client.dossier.fingerprint()


def _take_over_new_persons(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    batch: Sequence[DossierRecord | RecordError],
    options: ImportOptions,
) -> dict[int, RecordResult]:
    """The records of persons the institution cannot know yet (no registration of its own or of a
    case it takes part in with the same AHVN13, or the same name and birth date; neither twice in the
    batch), by position in the batch. Nothing of them needs reading, so they are taken over together:
    their rows are written with one statement per table. A record a rule of the domain refuses is left
    out and goes one by one like every other record, to the same error result and audit event; should
    the common write fail (a simultaneous import registered one of the persons), none of them is kept
    here and all of them go one by one."""
    own = {
        position: record
        for position, record in enumerate(batch)
        if isinstance(record, DossierRecord) and _names_own(institution, record.office_code)
    }
    if not own:
        return {}
    with uow:
        unknown = uow.persons.unknown_to([record.person for record in own.values()], institution.id)
    new = {position: record for (position, record), fresh in zip(own.items(), unknown, strict=True) if fresh}
    if not new:
        return {}
    # Inside the block two reads remain, both safe on held rows: the data key of a person registered
    # there comes from the key store's memory, and a RAV's exhaustion notice looks for its dedupe key,
    # which names the case just opened (so nothing held can match it).
    taken: dict[int, RecordResult] = {}
    try:
        with uow, uow.inserting_together() as together:
            for position, record in new.items():
                try:
                    with together.each():
                        taken[position] = _take_over(uow, ctx, institution, record, options, None)
                except (DomainError, ServiceError, StaleVersion):
                    continue
    except ConcurrentConflict:
        return {}
    return taken


def _names_own(institution: Institution, code: str | None) -> bool:
    """A record's office or a measure's owner: no code, or the importing institution's. The one test
    for the record's own way and for the batch's shortcuts, so that they cannot drift apart."""
    return code is None or code == institution.code


def _importing_institution(uow: UnitOfWork, ctx: RequestContext, fmt: InstitutionFormat) -> Institution:
    with uow:
        institution = uow.institutions.get(ctx.principal.institution_id)
    if institution is None or institution.kind is not fmt.kind:
        raise Forbidden(f"Dieses Format ist den Stellen der Art «{fmt.kind.label}» vorbehalten.")
    return institution


def _import_record(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    record: DossierRecord,
    options: ImportOptions,
) -> RecordResult:
    operation = f"import.{record.kind.value}"
    try:
        with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.CHANGE):
            return _apply(uow, ctx, institution, record, options)
    except _DryRun as dry:
        _audit_probe(uow, ctx, record, dry.result)
        return dry.result
    except (DomainError, ServiceError, StaleVersion) as error:
        message = getattr(error, "message", "Der Datensatz konnte nicht übernommen werden.")
        return RecordResult(record.location, RecordOutcome.ERROR, message, record.local_reference)


def _audit_probe(uow: UnitOfWork, ctx: RequestContext, record: DossierRecord, result: RecordResult) -> None:
    """A dry run rolls its record back, its audit event included: the probe is recorded on its own,
    naming the person and case it touched where they existed before the probe."""
    with uow:
        person_id = result.person_id if result.person_id and _exists(uow, result.person_id) else None
        case_id = uow.cases.open_case_of_person(person_id) if person_id else None
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation=f"import.{record.kind.value}",
                outcome=AuditOutcome.ALLOWED,
                reason=f"Probelauf: Datensatz geprüft ({result.outcome.value}); nichts übernommen.",
                case_id=case_id if case_id == result.case_id else None,
                person_id=person_id,
                bases=("own",),
            )
        )


def _exists(uow: UnitOfWork, person_id: uuid.UUID) -> bool:
    try:
        return uow.persons.get(person_id) is not None
    except DataDestroyed:
        return True


@dataclass
class _Touched:
    categories: set[DataCategory] = field(default_factory=set)
    record_ids: list[uuid.UUID] = field(default_factory=list)
    dossier_created: bool = False
    case_opened: bool = False
    person_registered: bool = False  # in this record: the person can have no case and no dossier yet


def _apply(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    record: DossierRecord,
    options: ImportOptions,
) -> RecordResult:
    with uow:
        if not _names_own(institution, record.office_code):
            raise InvariantViolation(
                f"Der Datensatz gehört zur Stelle «{record.office_code}», nicht zu Ihrer Stelle."
            )
        person = accessible_person(uow, ctx, record.person)
        if person is None:
            candidates = match_candidates(uow, ctx, record.person)
            if candidates is not None and not options.confirm_new_persons:
                uow.audit.append(
                    ctx.audit_event(
                        action=AuditAction.READ,
                        operation=f"import.{record.kind.value}",
                        outcome=AuditOutcome.REFUSED,
                        reason="Datensatz nicht übernommen: Person mit gleichem Namen und Geburtsdatum.",
                        record_ids=candidates,
                        withheld_categories=(DataCategory.STAMMDATEN,),
                    )
                )
                return RecordResult(
                    record.location,
                    RecordOutcome.ERROR,
                    "Keine Person mit dieser AHV-Nummer, aber eine Person mit gleichem Namen und "
                    "Geburtsdatum ist erfasst. Bitte AHV-Nummer prüfen oder die neue Person bestätigen; "
                    "der Datensatz wurde nicht übernommen.",
                    record.local_reference,
                    candidate_person_ids=candidates,
                )
        return _take_over(uow, ctx, institution, record, options, person)


def _take_over(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    record: DossierRecord,
    options: ImportOptions,
    person: Person | None,
) -> RecordResult:
    """The record applied to the caller's `person` (None: a person to register)."""
    touched = _Touched()
    if person is None:
        person = _register(uow, ctx, institution, record)
        touched.categories.add(DataCategory.STAMMDATEN)
        touched.person_registered = True
    elif update_stammdaten(uow, ctx, person, record.person):
        touched.categories.add(DataCategory.STAMMDATEN)
    case = _case_of(uow, ctx, institution, person, record, options, touched)
    _sync_measures(ctx, institution, case, record, touched)
    if touched.case_opened:
        uow.cases.add(case)  # with its first measures: one insert, no second write
    elif touched.categories - {DataCategory.STAMMDATEN}:
        uow.cases.save(case)
    stored = _sync_dossier(uow, institution, case, record, touched)
    if stored is not None:
        announce_threatening_exhaustion(uow, ctx, stored, options.exhaustion_horizon_days)
    outcome = _outcome(touched)
    result = RecordResult(record.location, outcome, "", record.local_reference, person.id, case.id)
    if outcome is not RecordOutcome.UNCHANGED:
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.CREATE if touched.case_opened else AuditAction.CHANGE,
                operation=f"import.{record.kind.value}",
                outcome=AuditOutcome.ALLOWED,
                reason="Datensatz aus dem System der Stelle übernommen.",
                case_id=case.id,
                person_id=person.id,
                categories=tuple(sorted(touched.categories)),
                record_ids=tuple(touched.record_ids),
                bases=("own",),
            )
        )
    if options.dry_run:
        raise _DryRun(result)  # leaves the unit of work by an exception: everything rolls back
    return result


def _outcome(touched: _Touched) -> RecordOutcome:
    if touched.dossier_created:
        return RecordOutcome.CREATED
    return RecordOutcome.CHANGED if touched.categories else RecordOutcome.UNCHANGED


def _register(
    uow: UnitOfWork, ctx: RequestContext, institution: Institution, record: DossierRecord
) -> Person:
    person = Person(
        ahvn13=record.person.ahvn13,
        family_name=record.person.family_name,
        given_name=record.person.given_name,
        birth_date=record.person.birth_date,
        registered_by_institution_id=institution.id,
    )
    person.validate(today=ctx.today)
    uow.persons.add(person)
    return person


def _case_of(
    uow: UnitOfWork,
    ctx: RequestContext,
    institution: Institution,
    person: Person,
    record: DossierRecord,
    options: ImportOptions,
    touched: _Touched,
) -> SharedCase:
    case_id = None if touched.person_registered else uow.cases.open_case_of_person(person.id)
    if case_id is None:
        case = SharedCase.open(
            person_id=person.id,
            lead_institution_id=institution.id,
            local_reference=record.local_reference,
            opened_on=record.registered_on,
            today=ctx.today,
            reassessment_interval_months=options.default_interval_months,
        )
        touched.categories.add(DataCategory.FALLFUEHRUNG)
        touched.case_opened = True
        return case
    existing = uow.cases.get(case_id)
    participation = existing.participation_of(institution.id) if existing else None
    if existing is None or participation is None:
        raise InvariantViolation(
            "Für diese Person besteht ein gemeinsamer Fall, an dem Ihre Stelle nicht beteiligt ist. "
            "Die fallführende Stelle kann Ihre Stelle als Beteiligte aufnehmen."
        )
    if participation.local_reference != record.local_reference:
        existing.change_local_reference(institution.id, record.local_reference)
        touched.categories.add(DataCategory.FALLFUEHRUNG)
    return existing


def _sync_measures(
    ctx: RequestContext, institution: Institution, case: SharedCase, record: DossierRecord, touched: _Touched
) -> None:
    """Own measures are matched by title; another institution's measures in the file are ignored."""
    own = {m.title.casefold(): m for m in case.measures if m.owner_institution_id == institution.id}
    for planned in record.measures:
        if not _names_own(institution, planned.owner_code):
            continue
        existing = own.get(planned.title.casefold())
        if existing is None:
            measure = case.add_measure(
                Measure(
                    title=planned.title,
                    kind=planned.kind,
                    owner_institution_id=institution.id,
                    provider=planned.provider,
                    start_on=planned.start_on,
                    end_on=planned.end_on,
                    status=planned.status,
                    recorded_by=ctx.principal.id,
                    recorded_at=ctx.now,
                )
            )
            own[measure.title.casefold()] = measure
        else:
            wanted = (planned.provider, planned.start_on, planned.end_on, planned.status)
            if (existing.provider, existing.start_on, existing.end_on, existing.status) == wanted:
                continue
            existing.provider, existing.start_on, existing.end_on, existing.status = wanted
            case.revise_measure(existing)
            measure = existing
        touched.categories.add(DataCategory.INTEGRATIONSPLAN)
        touched.record_ids.append(measure.id)


def _sync_dossier(
    uow: UnitOfWork, institution: Institution, case: SharedCase, record: DossierRecord, touched: _Touched
) -> InstitutionDossier | None:
    """The dossier as stored now; None if the record left it unchanged."""
    existing = None if touched.case_opened else uow.dossiers.get(case.id, institution.id)
    dossier = _dossier_of(record, institution, case.id, existing.id if existing else uuid.uuid4())
    if existing is not None and existing.fingerprint() == dossier.fingerprint():
        return None
    uow.dossiers.save(dossier, new=touched.case_opened)
    touched.dossier_created = existing is None
    touched.categories.add(dossier.category)
    touched.record_ids.append(dossier.id)
    return dossier


def _dossier_of(
    record: DossierRecord, institution: Institution, case_id: uuid.UUID, dossier_id: uuid.UUID
) -> InstitutionDossier:
    return InstitutionDossier(
        case_id=case_id,
        institution_id=institution.id,
        kind=record.kind,
        local_reference=record.local_reference,
        registered_on=record.registered_on,
        facts=dict(record.facts),
        id=dossier_id,
    )
