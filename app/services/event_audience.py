"""Who may hear of a change event: the policy as it is at delivery time, for an institution's system.

The webhook worker asks this for every delivery, so a revoked consent or a left case stops the
notices at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, visible_categories
from app.domain.principal import Principal, PrincipalKind
from app.services.access.case_access import CaseAccess
from app.services.access_config import AccessConfig
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

# (subscribing institution, event) -> the categories it may learn of, or None: not to be told at all
Audience = Callable[[uuid.UUID, ChangeEvent], tuple[DataCategory, ...] | None]


def event_audience(
    uow_factory: Callable[[], UnitOfWork], access: AccessConfig, now: Callable[[], datetime]
) -> Audience:
    def categories_for(institution_id: uuid.UUID, event: ChangeEvent) -> tuple[DataCategory, ...] | None:
        system = Principal(institution_id, PrincipalKind.SYSTEM, "event-subscription", institution_id)
        ctx = RequestContext(system, f"event:{event.id}", now(), access=access)
        uow = uow_factory()
        with uow:
            opened = CaseAccess.consider(uow, ctx, event.case_id)  # the same decision as the feed's
            if opened is None:
                return None
            basis = opened.basis
            return visible_categories(system, opened.case, event, basis.assigned, basis.grants)

    return categories_for
