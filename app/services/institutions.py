"""Use cases on the directory of institutions."""

from __future__ import annotations

from app.domain.institutions import Institution
from app.services.ports import UnitOfWork


def list_institutions(uow: UnitOfWork) -> list[Institution]:
    """Any authenticated principal: the directory holds no personal data."""
    with uow:
        return sorted(uow.institutions.list(), key=lambda i: (i.kind.value, i.name))
