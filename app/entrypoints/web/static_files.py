"""The one stylesheet of the thin client (no build step, no inline styles)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
_CSS = (Path(__file__).parent / "static" / "cockpit.css").read_bytes()


@router.get("/static/cockpit.css")
def stylesheet() -> Response:
    return Response(
        _CSS,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/favicon.ico")
def no_favicon() -> Response:
    return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})
