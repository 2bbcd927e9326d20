"""A small, fixed cast for integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Role
from app.domain.users import User
from app.entrypoints.api.deps import DEV_USER_HEADER
from app.services.ports import UnitOfWork


@dataclass
class World:
    sozialdienst: Institution
    other_sozialdienst: Institution
    rav: Institution
    iv: Institution
    users: dict[str, User]
    kanton: Institution | None = None  # the canton's data-protection officer works here

    def as_user(self, username: str, **headers: str) -> dict[str, str]:
        return {DEV_USER_HEADER: username, **headers}

    def staff_of(self, institution_id: uuid.UUID) -> tuple[str, str] | None:
        """(supervisor, caseworker) of an institution, to assign the caseworker when it joins a case."""
        for supervisor, caseworker in (("rav-lead", "rav"), ("iv-lead", "iv"), ("olten-lead", "olten")):
            if self.users[caseworker].institution_id == institution_id:
                return supervisor, caseworker
        return None


def build_world(uow_factory: Callable[[], UnitOfWork]) -> World:
    sozialdienst = Institution(InstitutionKind.SOZIALDIENST, "T-SD-WA", "Sozialregion Wasseramt")
    other = Institution(InstitutionKind.SOZIALDIENST, "T-SD-OL", "Sozialregion Olten")
    rav = Institution(InstitutionKind.RAV, "T-RAV", "RAV Solothurn")
    iv = Institution(InstitutionKind.IV, "T-IV", "IV-Stelle Solothurn")
    kanton = Institution(InstitutionKind.KANTON, "T-AGS", "Amt für Gesellschaft und Soziales")
    people = [
        ("sd", "Sara Dietler", sozialdienst, {Role.CASEWORKER}),
        ("sd-colleague", "Simon Graf", sozialdienst, {Role.CASEWORKER}),
        ("lead", "Lea Meier", sozialdienst, {Role.SUPERVISOR, Role.CASEWORKER}),
        ("olten", "Otto Lanz", other, {Role.CASEWORKER}),
        ("rav", "Rita Amsler", rav, {Role.CASEWORKER}),
        ("rav-colleague", "Reto Bühler", rav, {Role.CASEWORKER}),
        ("rav-lead", "Ruth Amacher", rav, {Role.SUPERVISOR}),
        ("iv", "Ivo Vogt", iv, {Role.CASEWORKER}),
        ("iv-lead", "Irene Studer", iv, {Role.SUPERVISOR}),
        ("olten-lead", "Oskar Frey", other, {Role.SUPERVISOR, Role.CASEWORKER}),
        ("dpo", "Dora Pfister", kanton, {Role.DPO}),
        ("ags", "Anna Gerber", kanton, {Role.STEERING}),
        ("admin", "Adrian Imhof", kanton, {Role.ADMIN}),
        ("ags-cm", "Andrea Gerber", kanton, {Role.CASEWORKER}),  # the clearing body
    ]
    users = {
        name: User(uuid.uuid4(), name, display, inst.id, frozenset(roles))
        for name, display, inst, roles in people
    }
    with uow_factory() as uow:
        for institution in (sozialdienst, other, rav, iv, kanton):
            uow.institutions.add(institution)
    with uow_factory() as uow:
        for user in users.values():
            uow.users.add(user)
    return World(sozialdienst, other, rav, iv, users, kanton)
