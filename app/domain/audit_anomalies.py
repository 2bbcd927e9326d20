"""Anomalies in the audit log for the data-protection officer: each one lists the events behind it.

Built on the basis labels the services write: "own", "participation", "consent:<id>", "rule:<id>",
"break_glass:<id>".
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory

LOCAL_TIME = ZoneInfo("Europe/Zurich")
SPECIAL = frozenset({DataCategory.GESUNDHEIT, DataCategory.SOZIALHILFE})
ACTIVE_BASES = ("own", "participation")


class AnomalyKind(StrEnum):
    READ_WITHOUT_PARTICIPATION = "read_without_participation"
    BREAK_GLASS = "break_glass"
    DENIAL_BURST = "denial_burst"
    BULK_READ = "bulk_read"
    UNUSUAL_HOURS = "unusual_hours"
    SPECIAL_WITHOUT_CONSENT = "special_without_consent"
    DORMANT_ACCOUNT = "dormant_account"
    CONSENT_BY_RECIPIENT = "consent_by_recipient"
    SPECIAL_SOON_AFTER_CONSENT = "special_soon_after_consent"


@dataclass(frozen=True)
class AnomalyRules:
    denial_burst: int = 5  # denials by one actor ...
    denial_window: timedelta = timedelta(minutes=10)  # ... within this window
    bulk_persons: int = 20  # distinct persons read by one actor ...
    bulk_window: timedelta = timedelta(minutes=10)
    working_hours: tuple[int, int] = (6, 20)  # local time, Monday to Saturday
    dormant_after: timedelta = timedelta(days=90)
    # special-category reads this soon after a consent released them to the reader's institution
    consent_read_window: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Anomaly:
    kind: AnomalyKind
    description: str
    actor_id: uuid.UUID
    actor_name: str
    institution_id: uuid.UUID
    first_at: datetime
    event_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class AnomalyReview:
    """The DPO's "erledigt" on an anomaly, with a note on what was found or done."""

    key: str  # anomaly_key of the anomaly
    done_at: datetime
    done_by_id: uuid.UUID
    note: str


def anomaly_key(anomaly: Anomaly) -> str:
    """Anomalies are computed, not stored: one stays the same one by its kind, actor and first event's
    time, however many later events the same window adds to it."""
    raw = f"{anomaly.kind.value}|{anomaly.actor_id}|{anomaly.first_at.isoformat()}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _anomaly(kind: AnomalyKind, description: str, events: Sequence[AuditEvent]) -> Anomaly:
    first = events[0]
    return Anomaly(
        kind,
        description,
        first.actor_id,
        first.actor_name,
        first.institution_id,
        first.occurred_at,
        tuple(e.id for e in events),
    )


def _is_read(event: AuditEvent) -> bool:
    return event.action is AuditAction.READ and event.outcome is AuditOutcome.ALLOWED


def find_anomalies(events: Sequence[AuditEvent], rules: AnomalyRules | None = None) -> list[Anomaly]:
    rules = rules or AnomalyRules()
    ordered = sorted(events, key=lambda e: e.occurred_at)
    found: list[Anomaly] = []
    for event in ordered:
        found.extend(_single_event_anomalies(event, rules))
    by_actor: dict[uuid.UUID, list[AuditEvent]] = defaultdict(list)
    for event in ordered:
        by_actor[event.actor_id].append(event)
    found.extend(_special_soon_after_consent(ordered, rules))
    for actor_events in by_actor.values():
        found.extend(_denial_bursts(actor_events, rules))
        found.extend(_bulk_reads(actor_events, rules))
        found.extend(_dormant(actor_events, rules))
    return sorted(found, key=lambda a: (a.first_at, a.kind.value))


def _single_event_anomalies(event: AuditEvent, rules: AnomalyRules) -> list[Anomaly]:
    found = []
    if _is_read(event) and event.case_id and not any(b in ACTIVE_BASES for b in event.bases):
        found.append(
            _anomaly(
                AnomalyKind.READ_WITHOUT_PARTICIPATION,
                "Lesezugriff auf einen Fall ohne aktive Beteiligung der eigenen Stelle.",
                [event],
            )
        )
    if event.action is AuditAction.BREAK_GLASS or any(b.startswith("break_glass:") for b in event.bases):
        found.append(_anomaly(AnomalyKind.BREAK_GLASS, "Notfallzugriff (Break-Glass).", [event]))
    local = event.occurred_at.astimezone(LOCAL_TIME)
    start, end = rules.working_hours
    if local.weekday() == 6 or not start <= local.hour < end:
        found.append(
            _anomaly(
                AnomalyKind.UNUSUAL_HOURS,
                f"Zugriff zu ungewöhnlicher Zeit ({local:%a %H:%M} Ortszeit).",
                [event],
            )
        )
    if _is_consent_record(event) and _flows_to_own(event, "proposed:"):
        found.append(
            _anomaly(
                AnomalyKind.CONSENT_BY_RECIPIENT,
                "Einwilligung von der empfangenden Stelle erfasst (Daten einer anderen Stelle an sich).",
                [event],
            )
        )
    special = SPECIAL.intersection(event.categories)
    consent = any(b.startswith("consent:") for b in event.bases)
    foreign_basis = any(b.startswith(("rule:", "break_glass:")) for b in event.bases)
    if _is_read(event) and special and foreign_basis and not consent:
        names = ", ".join(sorted(c.value for c in special))
        found.append(
            _anomaly(
                AnomalyKind.SPECIAL_WITHOUT_CONSENT,
                f"Besonders schützenswerte Daten ({names}) ohne Einwilligung gelesen.",
                [event],
            )
        )
    return found


def _windows(events: Sequence[AuditEvent], window: timedelta, enough: int) -> list[list[AuditEvent]]:
    """Maximal runs where at least `enough` events fall within `window` of the run's first one."""
    runs: list[list[AuditEvent]] = []
    start = 0
    while start < len(events):
        end = start
        while end + 1 < len(events) and events[end + 1].occurred_at - events[start].occurred_at <= window:
            end += 1
        run = list(events[start : end + 1])
        if len(run) >= enough:
            runs.append(run)
            start = end + 1
        else:
            start += 1
    return runs


def _denial_bursts(events: Sequence[AuditEvent], rules: AnomalyRules) -> list[Anomaly]:
    denials = [e for e in events if e.outcome is AuditOutcome.DENIED]
    return [
        _anomaly(
            AnomalyKind.DENIAL_BURST,
            f"{len(run)} verweigerte Zugriffe innerhalb von {_minutes(rules.denial_window)}.",
            run,
        )
        for run in _windows(denials, rules.denial_window, rules.denial_burst)
    ]


def _bulk_reads(events: Sequence[AuditEvent], rules: AnomalyRules) -> list[Anomaly]:
    reads = [e for e in events if _is_read(e) and e.person_id is not None]
    found = []
    start = 0
    while start < len(reads):
        end = start
        while (
            end + 1 < len(reads)
            and reads[end + 1].occurred_at - reads[start].occurred_at <= rules.bulk_window
        ):
            end += 1
        run = reads[start : end + 1]
        persons = {e.person_id for e in run}
        if len(persons) >= rules.bulk_persons:
            found.append(
                _anomaly(
                    AnomalyKind.BULK_READ,
                    f"{len(persons)} verschiedene Personen innerhalb von "
                    f"{_minutes(rules.bulk_window)} gelesen.",
                    run,
                )
            )
            start = end + 1
        else:
            start += 1
    return found


def _dormant(events: Sequence[AuditEvent], rules: AnomalyRules) -> list[Anomaly]:
    return [
        _anomaly(
            AnomalyKind.DORMANT_ACCOUNT,
            f"Konto nach {(later.occurred_at - earlier.occurred_at).days} Tagen ohne Aktivität "
            "wieder benutzt.",
            [later],
        )
        for earlier, later in pairwise(events)
        if later.occurred_at - earlier.occurred_at >= rules.dormant_after
    ]


def _minutes(window: timedelta) -> str:
    return f"{int(window.total_seconds() // 60)} Minuten"


def _is_consent_record(event: AuditEvent) -> bool:
    return event.action is AuditAction.CONSENT_GRANT and event.outcome is AuditOutcome.ALLOWED


def _flows_to_own(event: AuditEvent, prefix: str) -> bool:
    """Does the consent event name a flow (`released:` or `proposed:`) into the actor's institution?"""
    own = str(event.institution_id)
    return any(b.startswith(prefix) and b.rpartition(">")[2] == own for b in event.bases)


def _special_soon_after_consent(events: Sequence[AuditEvent], rules: AnomalyRules) -> list[Anomaly]:
    """Reads of special categories on a consent within minutes of that consent being put in force for
    the reader's institution: the pattern of a consent recorded to read something at once."""
    in_force: dict[tuple[str, uuid.UUID], AuditEvent] = {}  # (consent id, institution) -> last grant
    found = []
    for event in events:
        if _is_consent_record(event) and event.record_ids:
            for basis in event.bases:
                if basis.startswith("released:"):
                    recipient = uuid.UUID(basis.rpartition(">")[2])
                    in_force[(str(event.record_ids[0]), recipient)] = event
            continue
        special = SPECIAL.intersection(event.categories)
        if not (_is_read(event) and special):
            continue
        for basis in event.bases:
            kind, _, consent_id = basis.partition(":")
            grant = in_force.get((consent_id, event.institution_id)) if kind == "consent" else None
            if grant is not None and event.occurred_at - grant.occurred_at <= rules.consent_read_window:
                names = ", ".join(sorted(c.value for c in special))
                found.append(
                    _anomaly(
                        AnomalyKind.SPECIAL_SOON_AFTER_CONSENT,
                        f"Besonders schützenswerte Daten ({names}) innerhalb von "
                        f"{_minutes(rules.consent_read_window)} nach einer Einwilligung zugunsten der "
                        "eigenen Stelle gelesen.",
                        [grant, event],
                    )
                )
                break
    return found
