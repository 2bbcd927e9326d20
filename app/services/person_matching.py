"""Matching a person from another system: by AHVN13 only; name and birth date merely propose.

A person with the same names and birth date but another AHVN13 is a candidate for a caseworker to
check, never merged automatically. Candidates are named (by pseudonymous id) only where the caller
has a basis for the person; a candidate only another institution could see changes nothing in the
answer (the record is taken over as for an unknown person). An AHVN13 only another institution
registered is, to the caller, an unknown person: it registers the client itself (one registration
per institution, see services/persons.register_person).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from app.domain.exchange import PersonFacts
from app.domain.persons import Person
from app.services.context import RequestContext
from app.services.persons import person_for_caller, person_is_accessible
from app.services.ports import UnitOfWork


def accessible_person(uow: UnitOfWork, ctx: RequestContext, facts: PersonFacts) -> Person | None:
    """The caller's person with this AHVN13 (its own registration or that of a case it works on);
    None where it has none, whether or not another institution registered the person."""
    return person_for_caller(uow, ctx, facts.ahvn13)


def match_candidates(
    uow: UnitOfWork, ctx: RequestContext, facts: PersonFacts
) -> tuple[uuid.UUID, ...] | None:
    """None without candidates the caller may know of; otherwise their ids."""
    candidates = uow.persons.name_twins_related_to(
        facts.family_name, facts.given_name, facts.birth_date, ctx.principal.institution_id
    )
    visible = tuple(sorted(p.id for p in candidates if person_is_accessible(uow, ctx, p)))
    return visible or None


def update_stammdaten(uow: UnitOfWork, ctx: RequestContext, person: Person, facts: PersonFacts) -> bool:
    """Names and birth date follow the source system where the caller may correct Stammdaten
    (the registering institution or a lead of the person's case); otherwise they stay as they are."""
    wanted = (facts.family_name, facts.given_name, facts.birth_date)
    if (person.family_name, person.given_name, person.birth_date) == wanted:
        return False
    institution_id = ctx.principal.institution_id
    may_edit = person.registered_by_institution_id == institution_id or (
        institution_id in uow.cases.lead_institutions_of_person(person.id)
    )
    if not may_edit:
        return False
    corrected = replace(
        person, family_name=facts.family_name, given_name=facts.given_name, birth_date=facts.birth_date
    )
    corrected.validate(today=ctx.today)
    uow.persons.save(corrected)
    return True
