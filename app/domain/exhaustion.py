"""Aussteuerung (`Exhaustion`): the end of the unemployment-benefit entitlement.

When the RAV expects a job seeker's entitlement to end, the Sozialdienst takes over the
responsibility ("Sollte eine Aussteuerung erfolgen, liegt die Verantwortung … beim Sozialamt"), so
it has to hear of it in time: within the horizon, an import announces "Aussteuerung droht".
"""

from __future__ import annotations

from datetime import date, timedelta

EXPECTED_EXHAUSTION_FACT = "aussteuerung_voraussichtlich"
DEFAULT_HORIZON_DAYS = 90


def expected_exhaustion(facts: dict[str, object] | None) -> date | None:
    value = (facts or {}).get(EXPECTED_EXHAUSTION_FACT)
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def exhaustion_threatens(facts: dict[str, object] | None, today: date, horizon_days: int) -> bool:
    """True while the expected end lies between today and the horizon (an end already passed
    counts too: the Sozialdienst may not have heard of it yet)."""
    expected = expected_exhaustion(facts)
    return expected is not None and expected <= today + timedelta(days=horizon_days)
