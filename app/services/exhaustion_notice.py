"""The notice "Aussteuerung droht": an RAV import that expects the entitlement to end soon tells
the Sozialdienst on the case, which takes over once it ends.

The event names the case, the RAV as source and the category `arbeitsmarkt`, never the date; the
Sozialdienst hears of it only where the policy lets it see the RAV's `arbeitsmarkt` data (as for
every change event) and pulls the date with its export. Raised once per case and expected date.
"""

from __future__ import annotations

from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, EventType
from app.domain.exchange import InstitutionDossier
from app.domain.exhaustion import exhaustion_threatens, expected_exhaustion
from app.domain.institutions import InstitutionKind
from app.services.context import RequestContext
from app.services.ports import UnitOfWork


def announce_threatening_exhaustion(
    uow: UnitOfWork, ctx: RequestContext, dossier: InstitutionDossier, horizon_days: int
) -> bool:
    """Called in the import's transaction after the RAV's dossier was stored; True if announced."""
    if dossier.kind is not InstitutionKind.RAV:
        return False
    expected = expected_exhaustion(dossier.facts)
    if expected is None or not exhaustion_threatens(dossier.facts, ctx.today, horizon_days):
        return False
    key = f"aussteuerung_droht:{dossier.case_id}:{expected.isoformat()}"
    if uow.events.announced(key):
        return False
    event = ChangeEvent(
        type=EventType.EXHAUSTION_THREATENS,
        case_id=dossier.case_id,
        occurred_at=ctx.now,
        source_institution_id=dossier.institution_id,
        categories=(DataCategory.ARBEITSMARKT,),
    )
    uow.events.add(event, dedupe_key=key)
    return True
