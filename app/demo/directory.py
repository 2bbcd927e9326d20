"""The demo institutions of the IIZ Solothurn and the demo users, with fixed ids."""

from __future__ import annotations

import uuid

from app.demo.forms import one_page_pdf
from app.domain.institutions import InstitutionKind
from app.domain.principal import Role

NAMESPACE = uuid.UUID("2d0decb5-5e4a-4daf-aa79-8bde0307a007")
CORRELATION_ID = "demo-seed"
PURPOSE = "Demodaten"


def stable_id(kind: str, key: str) -> uuid.UUID:
    """The fixed id of a demo institution (`kind="institution"`, key = code) or user (key = username)."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


# -- institutions ---------------------------------------------------------------------------------------

WASSERAMT = "SD-WASSERAMT"
BBLA = "SD-BBLA"
OBERER_LEBERBERG = "SD-OBERER-LEBERBERG"
UNTERGAEU = "SD-UNTERGAEU"
OLTEN = "SD-OLTEN"
PILOT_REGIONS = (WASSERAMT, BBLA, OBERER_LEBERBERG, UNTERGAEU, OLTEN)
RAV_SOLOTHURN = "RAV-SOLOTHURN"
RAV_GRENCHEN = "RAV-GRENCHEN"
RAV_OLTEN = "RAV-OLTEN"
IV_SO = "IV-SO"
KANTON_AGS = "KANTON-AGS"

_SD, _RAV = InstitutionKind.SOZIALDIENST, InstitutionKind.RAV
INSTITUTIONS: tuple[tuple[InstitutionKind, str, str], ...] = (
    # the five DFF pilot regions
    (_SD, WASSERAMT, "Sozialregion Wasseramt"),
    (_SD, BBLA, "Sozialregion Biberist-Bucheggberg-Lohn-Ammannsegg"),
    (_SD, OBERER_LEBERBERG, "Sozialregion Oberer Leberberg"),
    (_SD, UNTERGAEU, "Sozialregion Untergäu"),
    (_SD, OLTEN, "Sozialregion Olten"),
    # the other Sozialregionen of the canton
    (_SD, "SD-SOLOTHURN", "Sozialregion Solothurn"),
    (_SD, "SD-ZUCHWIL-LUTERBACH", "Sozialregion Zuchwil-Luterbach"),
    (_SD, "SD-UNTERER-LEBERBERG", "Sozialregion Unterer Leberberg"),
    (_SD, "SD-THAL-GAEU", "Sozialregion Thal-Gäu"),
    (_SD, "SD-DORNECK", "Sozialregion Dorneck"),
    (_SD, "SD-THIERSTEIN", "Sozialregion Thierstein"),
    (_SD, "SD-UNTERES-NIEDERAMT", "Sozialregion Unteres Niederamt"),
    (_SD, "SD-OBERES-NIEDERAMT", "Sozialregion Oberes Niederamt"),
    (_RAV, RAV_SOLOTHURN, "RAV Solothurn"),
    (_RAV, RAV_GRENCHEN, "RAV Grenchen"),
    (_RAV, RAV_OLTEN, "RAV Olten"),
    (_RAV, "RAV-BREITENBACH", "RAV Breitenbach"),
    (_RAV, "RAV-BALSTHAL", "RAV Balsthal"),
    (InstitutionKind.IV, IV_SO, "IV-Stelle Solothurn"),
    (InstitutionKind.KANTON, KANTON_AGS, "Amt für Gesellschaft und Soziales (AGS)"),
)

# -- users ----------------------------------------------------------------------------------------------

_CW = frozenset({Role.CASEWORKER})
USERS: tuple[tuple[str, str, str, frozenset[Role]], ...] = (
    ("demo-sd", "Sabine Dietler", WASSERAMT, _CW),
    ("demo-lead", "Lukas Emch", WASSERAMT, frozenset({Role.SUPERVISOR, Role.CASEWORKER})),
    ("demo-rav", "Roland Amsler", RAV_SOLOTHURN, _CW),
    ("demo-iv", "Isabelle Vogt", IV_SO, _CW),
    ("demo-rav-lead", "Regula Tschan", RAV_SOLOTHURN, frozenset({Role.SUPERVISOR})),
    ("demo-iv-lead", "Ivan Marti", IV_SO, frozenset({Role.SUPERVISOR})),
    ("demo-dpo", "Doris Portmann", KANTON_AGS, frozenset({Role.DPO})),
    ("demo-ags", "Andrea Gisler", KANTON_AGS, frozenset({Role.STEERING})),
    ("demo-ags-cm", "Andreas Studer", KANTON_AGS, _CW),  # the clearing body and the supervision of the AGS
    ("sd-olten", "Olivia Lanz", OLTEN, _CW),
    ("sd-bbla", "Beat Lüthi", BBLA, _CW),
    ("sd-oberer-leberberg", "Monika Hofer", OBERER_LEBERBERG, _CW),
    ("sd-untergaeu", "Urs Kissling", UNTERGAEU, _CW),
)

DEMO_USERNAMES = frozenset(username for username, *_ in USERS)


def is_seeded_demo_user(user_id: uuid.UUID, username: str) -> bool:
    """A user the demo seed created (its name and its fixed id), not a real account of the same name."""
    return username in DEMO_USERNAMES and user_id == stable_id("user", username)


# When an institution joins a case, its supervisor assigns its demo caseworker (need-to-know).
ASSIGNED_ON_JOIN: dict[str, tuple[str, str]] = {
    RAV_SOLOTHURN: ("demo-rav-lead", "demo-rav"),
    IV_SO: ("demo-iv-lead", "demo-iv"),
}
# A one-page PDF standing in for the scanned, signed consent form of the demo cases.
DEMO_CONSENT_FORM = one_page_pdf("Cockpit Demo: Einwilligung / Entbindung von der Schweigepflicht")
