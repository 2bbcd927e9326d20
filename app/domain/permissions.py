"""The permission table: which role (or a system client) may do which kind of thing.

This is the one place where roles are turned into permissions. Use cases call `require` (in
app/services/authorization.py) with the permission they need; the README prints this table.
Whether a permitted principal may see a particular case or data category is a separate question,
answered by app/domain/policy.py.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.principal import Principal, PrincipalKind, Role


class Permission(StrEnum):
    CASE_READ = "case.read"  # open cases the principal's institution works on
    CASE_WRITE = "case.write"  # register persons, open cases, record plan/assessments/journal, close
    CONSENT_MANAGE = "consent.manage"  # record and revoke the client's consent
    CASE_ASSIGN = "case.assign"  # assign caseworkers of the own institution to cases
    BREAK_GLASS = "case.break_glass"  # open a case temporarily with a written reason
    AUDIT_REVIEW = "audit.review"  # search the audit log, anomaly reports, access reports
    AUDIT_WITNESS = "audit.witness"  # fetch signed checkpoints and proofs
    CLIENTS_MANAGE = "clients.manage"  # system clients, user accounts
    DIRECTORY_READ = "directory.read"  # the list of institutions
    FIGURES_READ = "figures.read"  # cantonal steering figures (counts under small-cell protection)


_CASEWORK = frozenset(
    {Permission.CASE_READ, Permission.CASE_WRITE, Permission.CONSENT_MANAGE, Permission.DIRECTORY_READ}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASEWORKER: _CASEWORK,
    Role.SUPERVISOR: _CASEWORK | {Permission.CASE_ASSIGN, Permission.BREAK_GLASS},
    Role.DPO: frozenset({Permission.AUDIT_REVIEW, Permission.AUDIT_WITNESS, Permission.DIRECTORY_READ}),
    Role.ADMIN: frozenset({Permission.CLIENTS_MANAGE, Permission.DIRECTORY_READ}),
    Role.STEERING: frozenset({Permission.FIGURES_READ, Permission.DIRECTORY_READ}),
}

# An institution's software acts for the institution as a whole (no assignment of its own).
SYSTEM_CLIENT_PERMISSIONS = frozenset(
    {
        Permission.CASE_READ,
        Permission.CASE_WRITE,
        Permission.CONSENT_MANAGE,
        Permission.AUDIT_WITNESS,
        Permission.DIRECTORY_READ,
    }
)


def permissions_of(principal: Principal) -> frozenset[Permission]:
    if principal.kind is PrincipalKind.SYSTEM:
        return SYSTEM_CLIENT_PERMISSIONS
    granted: frozenset[Permission] = frozenset()
    for role in principal.roles:
        granted |= ROLE_PERMISSIONS[role]
    return granted


def permits(principal: Principal, permission: Permission) -> bool:
    return permission in permissions_of(principal)
