"""The authorization server of the institutions' systems: token endpoint, JWKS, metadata (RFC 8414).

Errors of the token endpoint follow RFC 6749 §5.2 (`error`, `error_description`), which OAuth2 client
libraries expect, rather than problem+json.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.bootstrap import TOKEN_PATH, Container, Identity
from app.domain.identity import ClientAuthMethod
from app.entrypoints.api.deps import get_container, get_identity
from app.services.identity.tokens import (
    SUPPORTED_SCOPES,
    ClientAuthentication,
    OAuthError,
    issue_client_token,
)

router = APIRouter(tags=["Anmeldung von Fachanwendungen (OAuth2)"])
JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(error: OAuthError, basic: bool) -> JSONResponse:
    headers = dict(_NO_STORE)
    if error.status == 401 and basic:
        headers["WWW-Authenticate"] = 'Basic realm="cockpit"'
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers=headers,
    )


def _client_authentication(authorization: str | None, form: dict[str, str]) -> ClientAuthentication:
    """Exactly one way of client authentication per request (RFC 6749 §2.3)."""
    presented = []
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Client-Authentifizierung unlesbar.", 401) from None
        client_id, _, secret = decoded.partition(":")
        presented.append(
            ClientAuthentication(ClientAuthMethod.CLIENT_SECRET_BASIC, unquote(client_id), unquote(secret))
        )
    if form.get("client_secret"):
        presented.append(
            ClientAuthentication(
                ClientAuthMethod.CLIENT_SECRET_POST, form.get("client_id", ""), form["client_secret"]
            )
        )
    if form.get("client_assertion"):
        if form.get("client_assertion_type") != JWT_BEARER_ASSERTION:
            raise OAuthError("invalid_client", "client_assertion_type wird nicht unterstützt.", 401)
        presented.append(
            ClientAuthentication(
                ClientAuthMethod.PRIVATE_KEY_JWT,
                form.get("client_id", ""),
                assertion=form["client_assertion"],
            )
        )
    if len(presented) != 1:
        raise OAuthError("invalid_client", "Genau eine Client-Authentifizierung ist nötig.", 401)
    auth = presented[0]
    if auth.method is ClientAuthMethod.PRIVATE_KEY_JWT and not auth.client_id:
        auth = ClientAuthentication(
            auth.method, _assertion_issuer(auth.assertion or ""), assertion=auth.assertion
        )
    if form.get("client_id") and form["client_id"] != auth.client_id:
        raise OAuthError("invalid_client", "client_id widerspricht der Authentifizierung.", 401)
    return auth


def _assertion_issuer(assertion: str) -> str:
    """RFC 7523 lets the client omit client_id; the assertion's `sub` then names it (checked later)."""
    import json

    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(claims.get("sub", ""))[:64] if isinstance(claims, dict) else ""
    except (IndexError, ValueError, binascii.Error):
        return ""


@router.post(
    TOKEN_PATH,
    summary="Zugriffstoken für eine Fachanwendung (client_credentials)",
    response_description="Zugriffstoken (RFC 9068) oder Fehler nach RFC 6749 §5.2",
)
async def token(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    identity: Annotated[Identity, Depends(get_identity)],
) -> JSONResponse:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    authorization = request.headers.get("Authorization")
    try:
        auth = _client_authentication(authorization, form)
        issued = await run_in_threadpool(  # the database work stays off the event loop
            issue_client_token,
            container.uow_factory(),
            identity.codec,
            auth,
            grant_type=form.get("grant_type"),
            scope=form.get("scope"),
            token_endpoint=identity.token_endpoint,
            now=container.clock.now(),
            lifetime_seconds=container.settings.access_token_lifetime_seconds,
            correlation_id=request.state.correlation_id,
            secret_matches=identity.secret_matches,
        )
    except OAuthError as error:
        return _oauth_error(error, basic=bool(authorization))
    body = {
        "access_token": issued.access_token,
        "token_type": issued.token_type,
        "expires_in": issued.expires_in,
        "scope": issued.scope,
    }
    return JSONResponse(body, headers=_NO_STORE)


@router.get("/.well-known/jwks.json", summary="Öffentliche Schlüssel der Zugriffstokens (JWKS)")
def jwks(identity: Annotated[Identity, Depends(get_identity)]) -> dict[str, Any]:
    return identity.keys.jwks()


@router.get(
    "/.well-known/oauth-authorization-server", summary="Metadaten des Autorisierungsservers (RFC 8414)"
)
def metadata(identity: Annotated[Identity, Depends(get_identity)]) -> dict[str, Any]:
    issuer = identity.settings.token_issuer
    return {
        "issuer": issuer,
        "token_endpoint": identity.token_endpoint,
        "jwks_uri": issuer + "/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": [m.value for m in ClientAuthMethod],
        "token_endpoint_auth_signing_alg_values_supported": list(identity.assertion_algorithms),
        "scopes_supported": sorted(SUPPORTED_SCOPES),
        "response_types_supported": [],
        "access_token_signing_alg_values_supported": [identity.signing_algorithm],
    }
