"""Login through the canton's identity provider (OpenID Connect, authorization code flow with PKCE).

Discovery, the authorization URL and PKCE use authlib; the ID token is checked with joserfc against
the provider's JWKS: signature, `iss`, `aud`, `exp`, and the `nonce` of this very login.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from authlib.common.urls import add_params_to_uri  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ID_TOKEN_ALGORITHMS = ("RS256", "ES256", "PS256")
_TIMEOUT = httpx.Timeout(5.0)


class OidcFailed(Exception):
    """The provider or its answer is not usable; the message is for logs, not for the person."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    username_claim: str
    redirect_uri: str


class OidcProvider:
    def __init__(self, config: OidcConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._fetched_at = 0.0

    def _client(self) -> httpx.Client:
        return httpx.Client(timeout=_TIMEOUT, transport=self._transport)

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._fetched_at > 3600:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                with self._client() as client:
                    document = client.get(url).raise_for_status().json()
            except (httpx.HTTPError, ValueError) as error:
                raise OidcFailed(f"Discovery fehlgeschlagen ({type(error).__name__})") from error
            if document.get("issuer") != self.config.issuer:
                raise OidcFailed("Discovery nennt einen anderen Aussteller")
            self._metadata, self._fetched_at = document, time.monotonic()
        return self._metadata

    def authorization_url(self, state: str, nonce: str, code_verifier: str) -> str:
        return add_params_to_uri(
            self.metadata()["authorization_endpoint"],
            [
                ("response_type", "code"),
                ("client_id", self.config.client_id),
                ("redirect_uri", self.config.redirect_uri),
                ("scope", "openid profile"),
                ("state", state),
                ("nonce", nonce),
                ("code_challenge", create_s256_code_challenge(code_verifier)),
                ("code_challenge_method", "S256"),
            ],
        )

    def username_for(self, code: str, code_verifier: str, nonce: str, now: datetime) -> str:
        """Exchange the code, verify the ID token, and return the claim that names the Cockpit user."""
        metadata = self.metadata()
        try:
            with self._client() as client:
                tokens = (
                    client.post(
                        metadata["token_endpoint"],
                        data={
                            "grant_type": "authorization_code",
                            "code": code,
                            "redirect_uri": self.config.redirect_uri,
                            "code_verifier": code_verifier,
                        },
                        auth=(self.config.client_id, self.config.client_secret),
                    )
                    .raise_for_status()
                    .json()
                )
                jwks = client.get(metadata["jwks_uri"]).raise_for_status().json()
            keys = KeySet.import_key_set(jwks)
            claims = dict(jwt.decode(tokens["id_token"], keys, algorithms=list(ID_TOKEN_ALGORITHMS)).claims)
        except (httpx.HTTPError, ValueError, KeyError, TypeError, JoseError) as error:
            raise OidcFailed(f"Token-Austausch fehlgeschlagen ({type(error).__name__})") from error
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if claims.get("iss") != self.config.issuer or self.config.client_id not in audiences:
            raise OidcFailed("ID-Token von falschem Aussteller oder für andere Zielgruppe")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp < now.timestamp():
            raise OidcFailed("ID-Token abgelaufen")
        if claims.get("nonce") != nonce:
            raise OidcFailed("nonce passt nicht")
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username:
            raise OidcFailed("Anspruch für den Benutzernamen fehlt")
        return username
