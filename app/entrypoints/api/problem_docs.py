"""Each problem `type` URI resolves to a short German description of that error kind."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.entrypoints.api.problems import KINDS, ProblemError

router = APIRouter(tags=["Betrieb"])


class FieldError(BaseModel):
    detail: str
    pointer: str | None = Field(default=None, description="JSON Pointer in den Anfrageinhalt, z. B. #/ahvn13")
    parameter: str | None = Field(default=None, description="Name des Query-, Pfad- oder Header-Parameters")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ProblemTypeOut(BaseModel):
    type: str
    status: int
    title: str
    description: str


@router.get("/problems/{slug}", name="problem_type", response_model=ProblemTypeOut)
def problem_type(slug: str) -> ProblemTypeOut:
    kind = KINDS.get(slug)
    if kind is None:
        raise ProblemError("not-found", "Diesen Fehlertyp gibt es nicht.")
    return ProblemTypeOut(type=slug, status=kind.status, title=kind.title, description=kind.description)
