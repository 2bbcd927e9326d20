"""Consent (Einwilligung / Entbindung von der Schweigepflicht): the client releases named data
categories for named, directed flows between institutions on one case, for a bounded time.

Status is derived from time where it is time-based (expiry, the end of the case's follow-up), so a
revocation or an expiry takes effect on the very next request without anything to refresh.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, PhaseConflict

DEFAULT_VALIDITY_MONTHS = 24
MAX_VALIDITY_MONTHS = 24
_DAYS_PER_MONTH = 30.4375  # mean Gregorian month; validity is counted in whole days
FORM_LANGUAGES = frozenset({"de", "fr", "it", "en", "sq", "pt", "es", "tr", "ti", "ar", "uk"})


def months(count: int) -> timedelta:
    return timedelta(days=round(count * _DAYS_PER_MONTH))


class ConsentStatus(StrEnum):
    PENDING = "pending"  # valid_from lies ahead
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"  # valid_until passed, or the case's follow-up period ended
    SUPERSEDED = "superseded"
    # In force for the flows whose owner recorded or confirmed it; the others wait for their owner.
    AWAITING = "awaiting_confirmation"

    @property
    def label(self) -> str:
        return {
            ConsentStatus.AWAITING: "wartet auf Bestätigung",
            ConsentStatus.PENDING: "noch nicht gültig",
            ConsentStatus.ACTIVE: "gültig",
            ConsentStatus.REVOKED: "widerrufen",
            ConsentStatus.EXPIRED: "abgelaufen",
            ConsentStatus.SUPERSEDED: "ersetzt",
        }[self]


@dataclass(frozen=True)
class Flow:
    """Data recorded by `from_institution_id` may be shown to `to_institution_id` (one direction)."""

    from_institution_id: uuid.UUID
    to_institution_id: uuid.UUID


@dataclass(frozen=True)
class Evidence:
    """The signed form: only its fingerprint and metadata live here; the bytes are stored apart."""

    sha256: str
    form_version: str
    collected_by_user_id: uuid.UUID
    collected_at: datetime
    language: str
    media_type: str
    size: int


class ConsentEventKind(StrEnum):
    GRANTED = "granted"
    CONFIRMED = "confirmed"  # the owner of released data confirmed its flows
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class ConsentEvent:
    """One entry of a consent's history. Never changed once written."""

    consent_id: uuid.UUID
    kind: ConsentEventKind
    occurred_at: datetime
    actor_id: uuid.UUID
    actor_institution_id: uuid.UUID
    note: str = ""
    related_consent_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class Consent:
    person_id: uuid.UUID
    case_id: uuid.UUID
    flows: tuple[Flow, ...]
    categories: frozenset[DataCategory]
    purpose: str
    valid_from: datetime
    valid_until: datetime
    evidence: Evidence
    granted_by_id: uuid.UUID
    granted_by_institution_id: uuid.UUID
    granted_at: datetime
    revoked_at: datetime | None = None
    revoked_by_id: uuid.UUID | None = None
    revocation_reason: str | None = None
    # The client's revocation says break-glass may not reopen what it released either.
    revocation_bars_break_glass: bool = False
    superseded_at: datetime | None = None
    superseded_by_id: uuid.UUID | None = None
    supersedes_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    # The institutions whose release is in force: they recorded the consent or confirmed it. A flow
    # counts only once its owner (the institution whose data it releases) is among them.
    confirmed_by: frozenset[uuid.UUID] = frozenset()

    @property
    def owners(self) -> frozenset[uuid.UUID]:
        """The institutions whose data the consent releases."""
        return frozenset(f.from_institution_id for f in self.flows)

    def names(self, institution_id: uuid.UUID) -> bool:
        """Is the institution named in a flow (and so may see this record)?"""
        return any(institution_id in (f.from_institution_id, f.to_institution_id) for f in self.flows)

    def awaiting(self, replaced: Consent | None = None) -> frozenset[uuid.UUID]:
        """Owners that have not yet confirmed; a replacement also waits for the replaced one's owners."""
        required = self.owners | (replaced.owners if replaced is not None else frozenset())
        return required - self.confirmed_by

    def flow_in_force(self, flow: Flow) -> bool:
        return flow in self.flows and flow.from_institution_id in self.confirmed_by

    def status_at(self, now: datetime, case_end: datetime | None = None) -> ConsentStatus:
        """`case_end`: when the case's follow-up period ends (closure + follow-up, or archiving)."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return ConsentStatus.REVOKED
        if self.superseded_at is not None and self.superseded_at <= now:
            return ConsentStatus.SUPERSEDED
        if now >= self.valid_until or (case_end is not None and now >= case_end):
            return ConsentStatus.EXPIRED
        if now < self.valid_from:
            return ConsentStatus.PENDING
        if self.owners - self.confirmed_by:
            return ConsentStatus.AWAITING
        return ConsentStatus.ACTIVE

    def in_force_at(self, now: datetime, case_end: datetime | None = None) -> bool:
        """Time-wise valid, neither revoked nor replaced: its confirmed flows count."""
        return self.status_at(now, case_end) in (ConsentStatus.ACTIVE, ConsentStatus.AWAITING)

    def covers(
        self,
        owner_institution_id: uuid.UUID,
        recipient_institution_id: uuid.UUID,
        category: DataCategory,
        now: datetime,
        case_end: datetime | None = None,
    ) -> bool:
        return (
            category in self.categories
            and self.flow_in_force(Flow(owner_institution_id, recipient_institution_id))
            and self.in_force_at(now, case_end)
        )

    def confirm(self, *, institution_id: uuid.UUID, now: datetime, replaced: Consent | None = None) -> None:
        """The owner of released data puts its flows in force (the client's form is already on file)."""
        if not self.in_force_at(now) and self.status_at(now) is not ConsentStatus.PENDING:
            raise PhaseConflict("Nur eine gültige Einwilligung kann bestätigt werden.")
        if institution_id not in self.awaiting(replaced):
            raise PhaseConflict("Diese Einwilligung wartet nicht auf eine Bestätigung Ihrer Stelle.")
        self.confirmed_by = self.confirmed_by | {institution_id}

    def revoke(self, *, by: uuid.UUID, at: datetime, reason: str, bars_break_glass: bool = True) -> None:
        if self.revoked_at is not None or self.superseded_at is not None:
            raise PhaseConflict("Diese Einwilligung ist bereits widerrufen oder ersetzt.")
        self.revoked_at = at
        self.revoked_by_id = by
        self.revocation_reason = reason
        self.revocation_bars_break_glass = bars_break_glass

    def bars_break_glass(self, owner: uuid.UUID, recipient: uuid.UUID, category: DataCategory) -> bool:
        """The client revoked this release and excluded an emergency access to it as well."""
        return (
            self.revoked_at is not None
            and self.revocation_bars_break_glass
            and category in self.categories
            and Flow(owner, recipient) in self.flows
        )

    def supersede(self, *, by: uuid.UUID, at: datetime) -> None:
        if self.revoked_at is not None or self.superseded_at is not None:
            raise PhaseConflict(
                "Nur eine nicht widerrufene, nicht ersetzte Einwilligung kann ersetzt werden."
            )
        self.superseded_at = at
        self.superseded_by_id = by


# A consent releasing only these to an institution not (yet) on the case is a routing consent: the
# reference directory may tell that institution who holds a dossier and who leads, nothing more
# (participation still opens the case, so it reads nothing of it).
ROUTING_CATEGORIES = frozenset({DataCategory.FALLFUEHRUNG})


def validate_grant(
    *,
    flows: tuple[Flow, ...],
    categories: frozenset[DataCategory],
    purpose: str,
    valid_from: datetime,
    valid_until: datetime,
    now: datetime,
    participants: frozenset[uuid.UUID],
    max_months: int = MAX_VALIDITY_MONTHS,
) -> None:
    """The rules a new consent must meet; raises InvalidValue naming the field."""
    if not flows:
        raise InvalidValue("Mindestens ein Datenfluss (von Stelle → an Stelle) ist anzugeben.", "flows")
    for index, flow in enumerate(flows):
        if flow.from_institution_id == flow.to_institution_id:
            raise InvalidValue("Ein Datenfluss verbindet zwei verschiedene Stellen.", f"flows.{index}")
        if flow.from_institution_id not in participants:
            raise InvalidValue(
                "Beide Stellen eines Datenflusses müssen am Fall beteiligt sein.", f"flows.{index}"
            )
        if flow.to_institution_id not in participants and categories != ROUTING_CATEGORIES:
            raise InvalidValue(
                "An eine Stelle, die nicht am Fall beteiligt ist, kann eine Einwilligung nur die "
                "Zuständigkeit freigeben (Kategorie «fallfuehrung» allein).",
                f"flows.{index}",
            )
    if len(set(flows)) != len(flows):
        raise InvalidValue("Ein Datenfluss ist doppelt angegeben.", "flows")
    if not categories:
        raise InvalidValue("Mindestens eine Datenkategorie ist anzugeben.", "categories")
    if not purpose.strip():
        raise InvalidValue("Der Zweck der Einwilligung ist anzugeben.", "purpose")
    if valid_until <= valid_from:
        raise InvalidValue("Das Ende der Gültigkeit muss nach ihrem Beginn liegen.", "valid_until")
    if valid_until > valid_from + months(max_months):
        raise InvalidValue(f"Eine Einwilligung gilt höchstens {max_months} Monate.", "valid_until")
    if valid_until <= now:
        raise InvalidValue(
            "Eine Einwilligung, die schon abgelaufen ist, kann nicht erfasst werden.", "valid_until"
        )
    if valid_from > now + months(3):
        raise InvalidValue("Der Beginn liegt zu weit in der Zukunft (höchstens drei Monate).", "valid_from")
