"""Who is acting: a user of an institution, or an institution's system client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    DPO = "dpo"
    ADMIN = "admin"
    STEERING = "steering"  # Kantonale Steuerung (AGS): figures only, no case data


class PrincipalKind(StrEnum):
    USER = "user"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    id: uuid.UUID
    kind: PrincipalKind
    name: str  # username or client id; never a person's real name in logs
    institution_id: uuid.UUID
    roles: frozenset[Role] = field(default_factory=frozenset)

    def has_role(self, role: Role) -> bool:
        return role in self.roles
