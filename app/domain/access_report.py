"""The client's access report (Auskunft, Art. 25 DSG): what is held and who received what, when, why."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory

LOCAL_TIME = ZoneInfo("Europe/Zurich")
RECEIVING_ACTIONS = frozenset({AuditAction.READ, AuditAction.DISCLOSE, AuditAction.EXPORT})


def basis_label(basis: str) -> str:
    kind, _, reference = basis.partition(":")
    return {
        "own": "eigene Daten der Stelle",
        "participation": "Beteiligung am gemeinsamen Fall",
        "consent": "Einwilligung",
        "rule": f"gesetzliche Grundlage ({reference})",
        "break_glass": "Notfallzugriff",
    }.get(kind, basis)


@dataclass(frozen=True)
class Receipt:
    """One institution received these categories on this day, on these bases, for this purpose."""

    on: date
    institution_id: uuid.UUID
    institution_name: str
    categories: tuple[DataCategory, ...]
    bases: tuple[str, ...]
    purpose: str
    staff: tuple[str, ...]  # empty unless staff names were asked for
    accesses: int


@dataclass(frozen=True)
class AccessReport:
    person_id: uuid.UUID
    generated_at: datetime
    categories_held: tuple[DataCategory, ...]
    receipts: tuple[Receipt, ...]
    log_retention_days: int
    include_staff: bool
    addressee: tuple[str, ...] = ()  # name and postal address of the client, as the letter is addressed
    reference: str = ""  # quoted by the client in questions; finds the report's audit event


def _received(event: AuditEvent, person_ids: frozenset[uuid.UUID]) -> bool:
    """A disclosure to report: an allowed read, disclosure or export of categories, or any opening of
    the person's case by break-glass (it appears even if nothing was read under it)."""
    concerned = event.person_id in person_ids or not person_ids.isdisjoint(event.record_ids)  # lists
    if not concerned or event.outcome is not AuditOutcome.ALLOWED:
        return False
    if event.action is AuditAction.BREAK_GLASS:
        return True
    return event.action in RECEIVING_ACTIONS and bool(event.categories)


def build_access_report(
    person_id: uuid.UUID,
    generated_at: datetime,
    categories_held: Iterable[DataCategory],
    events: Iterable[AuditEvent],
    institution_names: dict[uuid.UUID, str],
    *,
    log_retention_days: int,
    include_staff: bool = False,
    staff_names: Mapping[str, str] | None = None,
    consent_labels: Mapping[str, str] | None = None,
    addressee: tuple[str, ...] = (),
    reference: str = "",
    other_registrations: Iterable[uuid.UUID] = (),
) -> AccessReport:
    """`other_registrations`: the client's registrations by other institutions, covered as well."""
    person_ids = frozenset({person_id, *other_registrations})
    groups: dict[tuple[date, uuid.UUID, str], list[AuditEvent]] = {}
    for event in events:
        if not _received(event, person_ids):
            continue
        receiver = event.recipient_institution_id or event.institution_id
        day = event.occurred_at.astimezone(LOCAL_TIME).date()
        groups.setdefault((day, receiver, event.purpose), []).append(event)
    receipts = []
    for (day, receiver, purpose), grouped in sorted(groups.items(), key=lambda g: (g[0][0], str(g[0][1]))):
        categories = sorted({c for e in grouped for c in e.categories}, key=list(DataCategory).index)
        consents = consent_labels or {}
        bases = sorted({consents.get(b) or basis_label(b) for e in grouped for b in e.bases})
        names = staff_names or {}
        staff = sorted({names.get(e.actor_name, e.actor_name) for e in grouped}) if include_staff else []
        receipts.append(
            Receipt(
                day,
                receiver,
                institution_names.get(receiver, "unbekannte Stelle"),
                tuple(categories),
                tuple(bases),
                purpose,
                tuple(staff),
                len(grouped),
            )
        )
    held = sorted(set(categories_held), key=list(DataCategory).index)
    return AccessReport(
        person_id,
        generated_at,
        tuple(held),
        tuple(receipts),
        log_retention_days,
        include_staff,
        addressee,
        reference,
    )


def access_report_filename(report: AccessReport) -> str:
    return (
        f"auskunft-{report.generated_at.astimezone(LOCAL_TIME):%Y-%m-%d}-{report.reference or 'ohne-ref'}.pdf"
    )
