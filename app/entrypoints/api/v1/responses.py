"""Shaping responses: ETag, Location, no caching of personal data."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.entrypoints.api.deps import etag
from app.entrypoints.api.problems import PROBLEM_JSON
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services.case_view import CaseView
from app.services.context import RequestContext


class PreRenderedJSON(JSONResponse):
    """A JSON response whose body is already rendered."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def json_response(
    model: BaseModel,
    status_code: int = 200,
    version: int | None = None,
    location: str | None = None,
    tag: str | None = None,
) -> JSONResponse:
    """`version` (a person's, a consent's) or `tag` (a case's, as this caller sees it) give the ETag."""
    headers = {}
    if version is not None:
        headers["ETag"] = etag(version)
    if tag:
        headers["ETag"] = tag
    if location is not None:
        headers["Location"] = location
    # Serialised by pydantic-core straight to bytes (compact, UTF-8, like JSONResponse) instead of a
    # dict that json.dumps walks a second time.
    return PreRenderedJSON(model.model_dump_json(exclude_unset=True).encode(), status_code, headers)


def case_response(
    request: Request, view: CaseView, ctx: RequestContext, status_code: int = 200
) -> JSONResponse:
    location = str(request.url_for("get_case", case_id=view.case.id)) if status_code == 201 else None
    return json_response(CaseOut.of(view, ctx.today), status_code, None, location, view.version_tag)


def _problem_schema() -> dict[str, Any]:
    return {
        "description": "Problem nach RFC 9457",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: _problem_schema() for status in statuses}


CASE_CHANGE_ERRORS = problems(404, 409, 412, 422, 428)
CASE_APPEND_ERRORS = problems(404, 409, 412, 422)
# Adding a record (journal entry, goal, measure, review, conference, assessment) needs no If-Match
# and conflicts with nothing another request adds.
CASE_ADD_ERRORS = problems(404, 409, 422)
