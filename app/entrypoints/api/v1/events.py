"""Pull feed of change events (ids, type, categories; no personal data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services.event_feed import MAX_FEED_PAGE, read_feed

router = APIRouter(prefix="/events", tags=["Änderungsereignisse"])


class ChangeEventOut(Out):
    id: str
    type: str
    case_id: str
    occurred_at: str
    source_institution_id: str
    categories: list[str]
    sequence: int


class EventFeedOut(Out):
    items: list[ChangeEventOut]
    next_cursor: str


@router.get("", response_model=EventFeedOut, responses=problems(403, 422))
def event_feed(
    uow: Uow,
    ctx: Context,
    cursor: Annotated[
        str | None, Query(description="next_cursor der vorigen Seite; leer: von Anfang")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_PAGE)] = 100,
) -> JSONResponse:
    """Änderungsereignisse zu Fällen, an denen die eigene Stelle beteiligt ist, in Schreibreihenfolge.
    Mit `next_cursor` weiterlesen; eine leere Seite heisst: im Moment nichts Neues."""
    page = read_feed(uow, ctx, cursor, limit)
    items = [ChangeEventOut.model_validate(e) for e in page.events]
    return json_response(EventFeedOut(items=items, next_cursor=page.next_cursor))
