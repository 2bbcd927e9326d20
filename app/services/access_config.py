"""The configurable part of access decisions, handed to every use case with the request context."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.break_glass import DEFAULT_DURATION_HOURS
from app.domain.consent import DEFAULT_VALIDITY_MONTHS, MAX_VALIDITY_MONTHS
from app.domain.evidence import DEFAULT_MAX_BYTES
from app.domain.legal_bases import NO_RULES, RuleBook


@dataclass(frozen=True)
class AccessConfig:
    rules: RuleBook = NO_RULES  # already without the rules switched off by configuration
    consent_default_months: int = DEFAULT_VALIDITY_MONTHS
    consent_max_months: int = MAX_VALIDITY_MONTHS
    break_glass_hours: int = DEFAULT_DURATION_HOURS
    evidence_max_bytes: int = DEFAULT_MAX_BYTES
