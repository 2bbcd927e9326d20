"""Demo referrals: one waiting for the admission decision, one declined and before the clearing body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.demo.directory import RAV_SOLOTHURN, WASSERAMT
from app.demo.steps import Client


@dataclass(frozen=True)
class DemoReferral:
    referring_user: str  # a user of the referring institution
    region: str  # the client's Sozialregion (its Sozialdienst is the case-management body by default)
    client: Client
    reason: str
    tried: str
    urgent: bool = False
    declined_by: str = ""  # the body's user who declined it; empty: still waiting
    decline_reason: str = ""
    to_clearing: bool = False


DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "demo-rav",
        WASSERAMT,
        Client("756999900151", "Gerber", "Nadia", date(1979, 2, 3), "Bahnhofstrasse 4", "4552 Derendingen"),
        "Aussteuerung in drei Monaten absehbar; gesundheitliche und finanzielle Fragen verbunden.",
        "Bewerbungscoaching, zwei Einsatzprogramme, Zwischenverdienst ohne Anschluss.",
        urgent=True,
    ),
    DemoReferral(
        "demo-rav",
        WASSERAMT,
        Client("756999900152", "Keller", "Jonas", date(1995, 11, 21), "Wiesenweg 9", "4528 Zuchwil"),
        "Mehrere Stellenabbrüche; RAV sieht Bedarf an durchgehender Fallführung.",
        "Motivationssemester, Bewerbungskurs.",
        declined_by="demo-lead",
        decline_reason="Keine Sozialhilfe und keine Mehrfachproblematik; das RAV bleibt zuständig.",
        to_clearing=True,
    ),
)

__all__ = ["DEMO_REFERRALS", "RAV_SOLOTHURN", "DemoReferral"]
