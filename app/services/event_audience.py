"""Who may hear of a change event: the policy as it is at delivery time, for an institution's system.

The webhook worker asks this for every delivery, so a revoked consent or a left case stops the
notices at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from app.domain.cases import CasePhase
from app.domain.categories import DataCategory
from app.domain.events import ChangeEvent, visible_categories
from app.domain.principal import Principal, PrincipalKind
from app.services.access_config import AccessConfig
from app.services.access_grants import decision_basis
from app.services.context import RequestContext
from app.services.ports import UnitOfWork
from app.services.reveal import reveal_nothing

# (subscribing institution, event) -> the categories it may learn of, or None: not to be told at all
Audience = Callable[[uuid.UUID, ChangeEvent], tuple[DataCategory, ...] | None]


_OPEN_PHASES = frozenset({CasePhase.INTAKE, CasePhase.ACTIVE})


def event_audience(
    uow_factory: Callable[[], UnitOfWork], access: AccessConfig, now: Callable[[], datetime]
) -> Audience:
    def categories_for(institution_id: uuid.UUID, event: ChangeEvent) -> tuple[DataCategory, ...] | None:
        system = Principal(institution_id, PrincipalKind.SYSTEM, "event-subscription", institution_id)
        ctx = RequestContext(system, f"event:{event.id}", now(), access=access)
        uow = uow_factory()
        with uow:
            case = uow.cases.get(event.case_id, reveal_nothing)
            if case is None:
                return None
            assigned, grants = decision_basis(uow, ctx, case)
            if case.phase not in _OPEN_PHASES:
                # Nothing is decrypted here, so the end of the follow-up period (which ends the
                # consents) is unknown: a closed case's notices rest on no consent.
                grants = replace(grants, consents=())
            return visible_categories(system, case, event, assigned, grants)

    return categories_for
