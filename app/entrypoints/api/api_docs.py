"""The API documentation page: Swagger UI vendored into the package (docs_ui/swagger-ui, Apache-2.0,
see its LICENSE and VERSION), served from the app's own origin under a strict CSP: no CDN, no inline
script, nothing a third party could change. Off in production unless COCKPIT_API_DOCS_ENABLED=true."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
_HERE = Path(__file__).parent / "docs_ui"
_FILES = {
    "swagger-ui.css": (_HERE / "swagger-ui" / "swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": (_HERE / "swagger-ui" / "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "cockpit-docs.js": (_HERE / "cockpit-docs.js", "text/javascript; charset=utf-8"),
    "LICENSE": (_HERE / "swagger-ui" / "LICENSE", "text/plain; charset=utf-8"),
}
# Swagger UI draws its icons from data: URIs and sets element styles from script (CSSOM, which the
# CSP allows); everything else comes from this origin only.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = {
    "Content-Security-Policy": DOCS_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@router.get("/api/docs")
def docs_page() -> Response:
    body = (_HERE / "index.html").read_bytes()
    return Response(
        body, media_type="text/html; charset=utf-8", headers={**_HEADERS, "Cache-Control": "no-store"}
    )


@router.get("/api/docs/{name}")
def docs_asset(name: str) -> Response:
    found = _FILES.get(name)
    if found is None:
        raise HTTPException(status_code=404)
    path, media_type = found
    return Response(
        path.read_bytes(),
        media_type=media_type,
        headers={**_HEADERS, "Cache-Control": "public, max-age=86400"},
    )
