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

    @property
    def label(self) -> str:
        return {
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
    superseded_at: datetime | None = None
    superseded_by_id: uuid.UUID | None = None
    supersedes_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1

    def status_at(self, now: datetime, case_end: datetime | None = None) -> ConsentStatus:
        """`case_end`: when the case's follow-up period ends (closure + follow-up); None while open."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return ConsentStatus.REVOKED
        if self.superseded_at is not None and self.superseded_at <= now:
            return ConsentStatus.SUPERSEDED
        if now >= self.valid_until or (case_end is not None and now >= case_end):
            return ConsentStatus.EXPIRED
        if now < self.valid_from:
            return ConsentStatus.PENDING
        return ConsentStatus.ACTIVE

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
            and Flow(owner_institution_id, recipient_institution_id) in self.flows
            and self.status_at(now, case_end) is ConsentStatus.ACTIVE
        )

    def revoke(self, *, by: uuid.UUID, at: datetime, reason: str) -> None:
        if self.revoked_at is not None or self.superseded_at is not None:
            raise PhaseConflict("Diese Einwilligung ist bereits widerrufen oder ersetzt.")
        self.revoked_at = at
        self.revoked_by_id = by
        self.revocation_reason = reason

    def supersede(self, *, by: uuid.UUID, at: datetime) -> None:
        if self.revoked_at is not None or self.superseded_at is not None:
            raise PhaseConflict(
                "Nur eine nicht widerrufene, nicht ersetzte Einwilligung kann ersetzt werden."
            )
        self.superseded_at = at
        self.superseded_by_id = by


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
        if not {flow.from_institution_id, flow.to_institution_id} <= participants:
            raise InvalidValue(
                "Beide Stellen eines Datenflusses müssen am Fall beteiligt sein.", f"flows.{index}"
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
