"""A file answer: downloaded, never cached (reports carry data of the requester's scope)."""

from __future__ import annotations

from fastapi.responses import Response


def attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
