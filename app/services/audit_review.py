"""Data-protection review: search the audit log, anomaly report, the client's access report.

Only principals with Permission.AUDIT_REVIEW (the DPO role) may call these; every call is itself
written to the audit log in the same transaction as the reading.
"""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.access_report import LOCAL_TIME, AccessReport, build_access_report
from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.audit_anomalies import Anomaly, AnomalyReview, AnomalyRules, anomaly_key, find_anomalies
from app.domain.audit_review import MAX_RESULTS, AuditQuery
from app.domain.categories import DataCategory
from app.domain.consent import Consent
from app.domain.errors import InvalidValue
from app.domain.permissions import Permission
from app.domain.persons import Person
from app.services.access.refusals import refusals_recorded
from app.services.audit_ports import AuditReviewUnitOfWork
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import PersonNotFound

PURPOSE = "Datenschutzaufsicht"


def _log(
    uow: AuditReviewUnitOfWork, ctx: RequestContext, operation: str, reason: str, **details: object
) -> None:
    details.setdefault("action", AuditAction.READ)
    uow.audit.append(
        ctx.audit_event(
            operation=operation, outcome=AuditOutcome.ALLOWED, reason=reason, purpose=PURPOSE, **details
        )
    )


def _person_id(
    uow: AuditReviewUnitOfWork, ahvn13: Ahvn13 | None, person_id: uuid.UUID | None
) -> uuid.UUID | None:
    if ahvn13 is None:
        return person_id
    person = uow.persons.by_ahvn13(ahvn13)
    if person is None:
        raise PersonNotFound()
    return person.id


def search_events(
    uow: AuditReviewUnitOfWork, ctx: RequestContext, query: AuditQuery, ahvn13: Ahvn13 | None = None
) -> list[AuditEvent]:
    """The DPO searches the log by person (AHVN13 or pseudonymous id), user, institution, action,
    outcome and time."""
    with refusals_recorded(uow, ctx, operation="audit.search", action=AuditAction.READ):
        require(ctx.principal, Permission.AUDIT_REVIEW)
        with uow:
            person_id = _person_id(uow, ahvn13, query.person_id)
            others = tuple(uow.persons.other_registrations(person_id)) if ahvn13 and person_id else ()
            query = replace(
                query, person_id=person_id, also_person_ids=others, limit=min(query.limit, MAX_RESULTS)
            )
            found = uow.audit_log.search(query)
            _log(uow, ctx, "audit.search", query.describe(), person_id=person_id)
        return found


@dataclass(frozen=True)
class ConsentBasis:
    """A consent named as the basis of logged events, as the DPO identifies it: when and for what."""

    consent_id: uuid.UUID
    collected_at: datetime
    purpose: str


def consent_bases(
    uow: AuditReviewUnitOfWork, ctx: RequestContext, events: list[AuditEvent]
) -> dict[str, ConsentBasis]:
    """The DPO only: the consents the events name as their basis ("consent:<id>"), by that basis; part
    of the search the DPO already made (and that was audited), so no event of its own."""
    require(ctx.principal, Permission.AUDIT_REVIEW)
    wanted: dict[str, uuid.UUID] = {}
    for event in events:
        for basis in event.bases:
            kind, _, reference = basis.partition(":")
            if kind == "consent":
                try:
                    wanted[basis] = uuid.UUID(reference)
                except ValueError:
                    continue
    found: dict[str, ConsentBasis] = {}
    if not wanted:
        return found
    with uow:
        for basis, consent_id in wanted.items():
            consent = uow.consents.get(consent_id)
            if consent is not None:
                found[basis] = ConsentBasis(consent.id, consent.evidence.collected_at, consent.purpose)
    return found


def anomaly_reviews(
    uow: AuditReviewUnitOfWork, ctx: RequestContext, anomalies: list[Anomaly]
) -> dict[str, AnomalyReview]:
    """The DPO only: which of these anomalies are marked "erledigt", by anomaly_key."""
    require(ctx.principal, Permission.AUDIT_REVIEW)
    with uow:
        return uow.anomaly_reviews.of([anomaly_key(a) for a in anomalies])


def mark_anomaly_done(uow: AuditReviewUnitOfWork, ctx: RequestContext, key: str, note: str) -> AnomalyReview:
    """The DPO only: an anomaly is "erledigt", with a note on what was found or done (required). A later
    mark replaces the earlier one; each is an audit event of its own."""
    with refusals_recorded(uow, ctx, operation="audit.anomaly_review", action=AuditAction.CHANGE):
        require(ctx.principal, Permission.AUDIT_REVIEW)
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise InvalidValue("Diese Anomalie gibt es nicht.", "anomaly")
        if not note.strip():
            raise InvalidValue("Bitte notieren Sie, was abgeklärt oder veranlasst wurde.", "note")
        review = AnomalyReview(key, ctx.now, ctx.principal.id, note.strip())
        with uow:
            uow.anomaly_reviews.save(review)
            _log(
                uow, ctx, "audit.anomaly_review", "Anomalie als erledigt markiert.", action=AuditAction.CHANGE
            )
        return review


def anomaly_report(
    uow: AuditReviewUnitOfWork,
    ctx: RequestContext,
    start: datetime,
    end: datetime,
    rules: AnomalyRules | None = None,
) -> tuple[list[Anomaly], dict[uuid.UUID, AuditEvent]]:
    """Anomalies whose first event lies in [start, end), with the events they point at."""
    rules = rules or AnomalyRules()
    with refusals_recorded(uow, ctx, operation="audit.anomalies", action=AuditAction.READ):
        require(ctx.principal, Permission.AUDIT_REVIEW)
        with uow:
            # dormant accounts need the activity before the period, too
            events = uow.audit_log.search(
                AuditQuery(occurred_from=start - rules.dormant_after, occurred_to=end, limit=10 * MAX_RESULTS)
            )
            anomalies = [a for a in find_anomalies(events, rules) if start <= a.first_at < end]
            _log(uow, ctx, "audit.anomalies", f"Anomalien {start.isoformat()} bis {end.isoformat()}")
        linked = {e for a in anomalies for e in a.event_ids}
        return anomalies, {e.id: e for e in events if e.id in linked}


def access_report(
    uow: AuditReviewUnitOfWork,
    ctx: RequestContext,
    *,
    ahvn13: Ahvn13 | None = None,
    person_id: uuid.UUID | None = None,
    include_staff: bool = False,
    retention_days: int,
) -> AccessReport:
    """The client's Auskunft (Art. 25 DSG), prepared by the DPO; generating it is logged as export."""
    with refusals_recorded(uow, ctx, operation="audit.access_report", action=AuditAction.EXPORT):
        require(ctx.principal, Permission.AUDIT_REVIEW)
        with uow:
            subject = _person_id(uow, ahvn13, person_id)
            person = uow.persons.get(subject) if subject else None
            if person is None:
                raise PersonNotFound()
            # Every institution's registration of the client: the Auskunft covers them all.
            registrations = [p.id for p in uow.persons.registrations_by_ahvn13(person.ahvn13)] or [person.id]
            held = {DataCategory.STAMMDATEN}
            consents: list[Consent] = []
            for registration_id in registrations:
                for case_id in uow.cases.case_ids_of_person(registration_id):  # archived ones included
                    sealed = uow.cases.load(case_id)  # categories held: nothing decrypted
                    if sealed is not None:
                        held |= {DataCategory.FALLFUEHRUNG, *(item.category for item in sealed.items)}
                    consents.extend(uow.consents.for_case(case_id))
            events = _events_of(uow, registrations)  # streamed, no cap
            names = {i.id: i.name for i in uow.institutions.list()}
            report = build_access_report(
                person.id,
                ctx.now,
                held,
                events,
                names,
                log_retention_days=retention_days,
                include_staff=include_staff,
                staff_names={u.username: u.display_name for u in uow.users.list()} if include_staff else None,
                consent_labels=_consent_labels(consents),
                other_registrations=registrations,
                addressee=_addressee(person),
                reference=f"AUS-{ctx.correlation_id[:8].upper()}",
            )
            _log(
                uow,
                ctx,
                "audit.access_report",
                "Auskunft erstellt" + (" (mit Namen der Mitarbeitenden)" if include_staff else ""),
                action=AuditAction.EXPORT,
                person_id=person.id,
                categories=report.categories_held,
            )
        return report


def _events_of(uow: AuditReviewUnitOfWork, person_ids: list[uuid.UUID]) -> Iterator[AuditEvent]:
    """The events of all registrations in the log's order, each once (a list may show several)."""
    if len(person_ids) == 1:
        yield from uow.audit_log.events_of_person(person_ids[0])
        return
    seen: set[uuid.UUID] = set()
    streams = [uow.audit_log.events_of_person(p) for p in person_ids]
    for event in heapq.merge(*streams, key=lambda e: e.occurred_at):
        if event.id not in seen:
            seen.add(event.id)
            yield event


def _consent_labels(consents: Iterable[Consent]) -> dict[str, str]:
    """`consent:<id>` → 'Einwilligung vom 01.02.2026 (Zweck)': the client recognises the form signed."""
    return {
        f"consent:{c.id}": f"Einwilligung vom {c.valid_from.astimezone(LOCAL_TIME):%d.%m.%Y} ({c.purpose})"
        for c in consents
    }


def _addressee(person: Person) -> tuple[str, ...]:
    lines = [f"{person.given_name} {person.family_name}"]
    if person.address is not None:
        lines += [person.address.street, f"{person.address.postal_code} {person.address.city}"]
    return tuple(lines)
