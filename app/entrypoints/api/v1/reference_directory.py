"""Reference directory: the institutions holding an active dossier on a person (routing only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.domain.institutions import InstitutionKind
from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.reference_directory import dossier_holders

router = APIRouter(prefix="/persons", tags=["Referenzverzeichnis"])


class DossierHolderOut(Out):
    institution_id: uuid.UUID
    kind: InstitutionKind
    code: str
    name: str
    lead: bool


class DossierHoldersOut(Out):
    items: list[DossierHolderOut]


@router.get("/{person_id}/dossier-holders", response_model=DossierHoldersOut, responses=problems(403, 404))
def person_dossier_holders(person_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Welche Stellen führen ein aktives Dossier zu dieser Person (nur Zuständigkeiten, kein Inhalt)?
    Die Stellen am Fall der eigenen Erfassung, wenn die Stelle daran beteiligt ist; die Stellen an
    Fällen anderer Stellen zur selben AHV-Nummer nur auf eine Verweis-Einwilligung der Person oder eine
    geltende Verweisregel (als Bekanntgabe protokolliert); sonst 404 wie für eine unbekannte Person."""
    holders = dossier_holders(uow, ctx, person_id)
    items = [
        DossierHolderOut(
            institution_id=h.institution.id,
            kind=h.institution.kind,
            code=h.institution.code,
            name=h.institution.name,
            lead=h.lead,
        )
        for h in holders
    ]
    return json_response(DossierHoldersOut(items=items))
