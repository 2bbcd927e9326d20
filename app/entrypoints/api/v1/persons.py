"""Persons (Klient/innen)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.domain.ahvn13 import Ahvn13
from app.entrypoints.api.deps import Context, IfMatchHeader, Uow, expected_version
from app.entrypoints.api.short_work import DeferredContext, short_work
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.persons import PersonIn, PersonLookupIn, PersonOut, PersonPatch
from app.services import persons as service
from app.services.context import RequestContext

router = APIRouter(prefix="/persons", tags=["Personen"])


@router.post("", status_code=201, response_model=PersonOut, responses=problems(409, 422))
def register_person(body: PersonIn, request: Request, uow: Uow, ctx: Context) -> JSONResponse:
    """Eine Person erfassen: jede Stelle erfasst eine Person selbst, mit den eigenen Angaben.
    Hat eine andere Stelle dieselbe AHV-Nummer erfasst, entsteht die Erfassung der eigenen Stelle
    wie für eine unbekannte Person (die Angaben der anderen Stelle bleiben verborgen). 409 nur, wenn
    die eigene Stelle die Person schon erfasst hat oder an ihrem Fall beteiligt ist."""
    person = service.register_person(
        uow,
        ctx,
        service.PersonData(
            ahvn13=Ahvn13.parse(body.ahvn13),
            family_name=body.family_name,
            given_name=body.given_name,
            birth_date=body.birth_date,
            address=body.address.to_domain() if body.address else None,
            phone=body.phone,
            email=body.email,
        ),
    )
    location = str(request.url_for("get_person", person_id=person.id))
    return json_response(PersonOut.of(person), 201, person.version, location)


@router.post("/lookup", response_model=PersonOut, responses=problems(404, 422))
async def find_person(
    body: PersonLookupIn, request: Request, uow: Uow, context: DeferredContext
) -> JSONResponse:
    """Eine Person über die AHV-Nummer finden (nur mit Grundlage, sonst 404).

    POST statt GET, damit die AHV-Nummer in keiner URL und damit in keinem Zugriffsprotokoll steht.
    """

    def work(ctx: RequestContext) -> JSONResponse:
        person = service.find_person_by_ahvn13(uow, ctx, Ahvn13.parse(body.ahvn13))
        return json_response(PersonOut.of(person), version=person.version)

    return await short_work(request, context, work)


@router.get("/{person_id}", response_model=PersonOut, responses=problems(404))
def get_person(person_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    person = service.get_person(uow, ctx, person_id)
    return json_response(PersonOut.of(person), version=person.version)


@router.patch("/{person_id}", response_model=PersonOut, responses=problems(403, 404, 412, 422, 428))
def correct_person(
    person_id: uuid.UUID, body: PersonPatch, uow: Uow, ctx: Context, if_match: IfMatchHeader = None
) -> JSONResponse:
    """Stammdaten berichtigen (erfassende oder fallführende Stelle)."""
    fields = body.model_dump(exclude_unset=True)
    if "address" in fields:
        fields["address"] = body.address.to_domain() if body.address else None
    person = service.correct_person(
        uow, ctx, person_id, expected_version(if_match, required=True), service.PersonCorrection(**fields)
    )
    return json_response(PersonOut.of(person), version=person.version)
