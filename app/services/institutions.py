"""Use cases on the directory of institutions."""

from __future__ import annotations

from app.domain.institutions import Institution
from app.domain.permissions import Permission
from app.domain.principal import Principal
from app.services.authorization import require
from app.services.ports import UnitOfWork


def list_institutions(uow: UnitOfWork, principal: Principal) -> list[Institution]:
    """Every role and system client (DIRECTORY_READ): the directory holds no personal data."""
    require(principal, Permission.DIRECTORY_READ)
    with uow:
        return sorted(uow.institutions.list(), key=lambda i: (i.kind.value, i.name))
