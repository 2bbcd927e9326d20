"""Why a category of a case is withheld from the caller's institution, in the words of the consents
that name it: revoked on a day, expired on a day, waiting for the data owner, or none at all."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from app.domain.categories import DataCategory
from app.domain.consent import ConsentStatus
from app.entrypoints.web.formats import german_date
from app.services.consents import ConsentState

NO_CONSENT = "keine Einwilligung"


def withheld_reasons(
    states: Iterable[ConsentState],
    withheld: Iterable[DataCategory],
    own_institution: uuid.UUID,
    now: datetime,
) -> dict[DataCategory, str]:
    """One reason per withheld category, from the consents that would release it to `own_institution`
    (the newest decides). A category a valid consent covers is withheld for another reason (the data
    owner's own rules): it says only "nicht freigegeben"."""
    toward_me = [s for s in states if any(f.to_institution_id == own_institution for f in s.consent.flows)]
    reasons: dict[DataCategory, str] = {}
    for category in withheld:
        covering = sorted(
            (s for s in toward_me if category in s.consent.categories),
            key=lambda s: s.consent.valid_from,
            reverse=True,
        )
        reasons[category] = _reason(covering, now)
    return reasons


def _reason(covering: list[ConsentState], now: datetime) -> str:
    for state in covering:
        consent = state.consent
        if state.status is ConsentStatus.AWAITING:
            return "Einwilligung wartet auf die Bestätigung der Stelle, der die Daten gehören"
        if state.status is ConsentStatus.PENDING:
            return f"Einwilligung gilt erst ab {german_date(consent.valid_from)}"
        if state.status is ConsentStatus.REVOKED and consent.revoked_at is not None:
            return f"Einwilligung widerrufen am {german_date(consent.revoked_at)}"
        if state.status is ConsentStatus.EXPIRED:
            if consent.valid_until <= now:
                return f"Einwilligung abgelaufen am {german_date(consent.valid_until)}"
            return "Einwilligung abgelaufen mit dem Ende des Falls"
        if state.status is ConsentStatus.ACTIVE:
            return "nicht freigegeben"
    return NO_CONSENT
