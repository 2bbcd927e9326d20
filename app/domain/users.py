"""Staff accounts of the institutions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.principal import Principal, PrincipalKind, Role


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    username: str
    display_name: str
    institution_id: uuid.UUID
    roles: frozenset[Role]
    active: bool = True

    def as_principal(self) -> Principal:
        return Principal(self.id, PrincipalKind.USER, self.username, self.institution_id, self.roles)
