"""Back to where the user was: a page that asked for a login (an expired session, say) is remembered in a
short-lived cookie and shown again after the login, instead of the start page.

Only a local path is remembered; a POST returns to the page its form came from (same origin only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response

COOKIE = "cockpit_weiter"
MAX_AGE_SECONDS = 15 * 60
HOME = "/start"


def safe_path(value: str | None) -> str | None:
    """A path on this site, never another site (`//host`, `/\\host`) nor the login itself."""
    if not value or len(value) > 300 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(c in value for c in "\r\n\\") or value.startswith("/anmelden"):
        return None
    return value


def page_to_return_to(request: Request) -> str | None:
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return safe_path(request.url.path + query)
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return None
    return safe_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def remember(response: Response, path: str | None, secure: bool) -> None:
    if path:
        response.set_cookie(
            COOKIE,
            path,
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            secure=secure,
            samesite="lax",
            path="/anmelden",
        )


def take(request: Request, response: Response) -> str:
    """Where to go after a complete login; the remembered page is used once."""
    response.delete_cookie(COOKIE, path="/anmelden")
    return safe_path(request.cookies.get(COOKIE)) or HOME
