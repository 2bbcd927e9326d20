"""Access tokens (RFC 9068 JWTs) and client assertions (RFC 7523), with joserfc.

Verification pins the algorithm before any signature is checked: `alg` none, an HMAC made with our
public key, or any other algorithm is refused outright, as is a `kid` we do not hold.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.adapters.auth.signing_keys import SIGNING_ALGORITHM, SigningKeyStore

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
# Client assertions are signed by the institutions' systems with keys they registered with us.
ASSERTION_ALGORITHMS = ("ES256", "RS256", "PS256")
CLOCK_SKEW_SECONDS = 30
MAX_ASSERTION_LIFETIME_SECONDS = 600
VERIFIED_SIGNATURES_KEPT = 4096


class TokenRejected(Exception):
    """Why a token was refused; kept for logs and tests, never shown to the caller in detail."""


def _header(token: str) -> dict[str, Any]:
    try:
        encoded = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error, IndexError) as error:
        raise TokenRejected("unlesbarer Kopf") from error
    if not isinstance(header, dict):
        raise TokenRejected("unlesbarer Kopf")
    return header


def _decode(token: str, keys: KeySet | Any, algorithms: tuple[str, ...]) -> dict[str, Any]:
    if token.count(".") != 2:
        raise TokenRejected("kein JWS")
    try:
        return dict(jwt.decode(token, keys, algorithms=list(algorithms)).claims)
    except (JoseError, ValueError, TypeError) as error:
        raise TokenRejected(f"Signatur ungültig ({type(error).__name__})") from error


def _check_times(claims: dict[str, Any], now: datetime) -> None:
    timestamp = now.timestamp()
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    if not isinstance(exp, int | float) or timestamp >= exp + CLOCK_SKEW_SECONDS:
        raise TokenRejected("abgelaufen")
    if iat is not None and (not isinstance(iat, int | float) or iat > timestamp + CLOCK_SKEW_SECONDS):
        raise TokenRejected("iat in der Zukunft")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf > timestamp + CLOCK_SKEW_SECONDS):
        raise TokenRejected("noch nicht gültig")


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and all(isinstance(a, str) for a in aud):
        return aud
    return []


class AccessTokenCodec:
    """Signs and verifies our access tokens with the keys in the store."""

    def __init__(self, store: SigningKeyStore, issuer: str, audience: str) -> None:
        self.store = store
        self.issuer = issuer
        self.audience = audience
        self._verified = _VerifiedSignatures()

    def encode(self, claims: dict[str, Any]) -> str:
        key = self.store.active_key()
        header = {"alg": SIGNING_ALGORITHM, "typ": ACCESS_TOKEN_TYPE, "kid": key.kid}
        full = {"iss": self.issuer, "aud": self.audience, **claims}
        return jwt.encode(header, full, key, algorithms=[SIGNING_ALGORITHM])

    def decode(self, token: str, now: datetime) -> dict[str, Any]:
        header = _header(token)
        if header.get("alg") != SIGNING_ALGORITHM:
            raise TokenRejected("Algorithmus nicht erlaubt")
        if str(header.get("typ", "")).lower() not in (ACCESS_TOKEN_TYPE, "application/" + ACCESS_TOKEN_TYPE):
            raise TokenRejected("falscher typ")
        kid = str(header.get("kid"))
        key = self.store.by_kid().get(kid)
        if key is None:
            raise TokenRejected("unbekannte kid")
        claims = self._verified.claims(token, kid)
        if claims is None:
            claims = _decode(token, key, (SIGNING_ALGORITHM,))
            self._verified.keep(token, kid, claims)
        if claims.get("iss") != self.issuer:
            raise TokenRejected("falscher Aussteller")
        if self.audience not in _audiences(claims):
            raise TokenRejected("falsche Zielgruppe")
        _check_times(claims, now)
        for name in ("sub", "client_id", "jti"):
            if not isinstance(claims.get(name), str) or not claims[name]:
                raise TokenRejected(f"{name} fehlt")
        return claims

    def verify_assertion(
        self, assertion: str, jwks: dict[str, Any], client_id: str, audiences: tuple[str, ...], now: datetime
    ) -> dict[str, Any]:
        return verify_client_assertion(assertion, jwks, client_id, audiences, now)


class _VerifiedSignatures:
    """Claims of tokens whose signature was already checked, by a hash of the token: a client sends
    the same token with every request until it expires, and the ES256 check is the costliest step
    of a request's authentication. Only the signature is remembered: the key must still be in the
    store (a retired key ends its tokens at once) and every claim is checked again on each use."""

    def __init__(self) -> None:
        self._entries: OrderedDict[bytes, tuple[str, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def claims(self, token: str, kid: str) -> dict[str, Any] | None:
        digest = hashlib.sha256(token.encode()).digest()
        with self._lock:
            found = self._entries.get(digest)
            if found is None or found[0] != kid:
                return None
            self._entries.move_to_end(digest)
            return dict(found[1])

    def keep(self, token: str, kid: str, claims: dict[str, Any]) -> None:
        digest = hashlib.sha256(token.encode()).digest()
        with self._lock:
            self._entries[digest] = (kid, dict(claims))
            while len(self._entries) > VERIFIED_SIGNATURES_KEPT:
                self._entries.popitem(last=False)


def verify_client_assertion(
    assertion: str, jwks: dict[str, Any], client_id: str, audiences: tuple[str, ...], now: datetime
) -> dict[str, Any]:
    """The claims of a valid RFC 7523 client assertion of `client_id`; replay is checked by the caller."""
    header = _header(assertion)
    if header.get("alg") not in ASSERTION_ALGORITHMS:
        raise TokenRejected("Algorithmus nicht erlaubt")
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise TokenRejected("registrierte Schlüssel unlesbar") from error
    claims = _decode(assertion, keys, ASSERTION_ALGORITHMS)
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise TokenRejected("iss/sub ist nicht die Client-ID")
    if not set(_audiences(claims)) & set(audiences):
        raise TokenRejected("falsche Zielgruppe")
    _check_times(claims, now)
    exp = claims["exp"]
    if exp - now.timestamp() > MAX_ASSERTION_LIFETIME_SECONDS:
        raise TokenRejected("Gültigkeit zu lang")
    if not isinstance(claims.get("jti"), str) or not claims["jti"] or len(claims["jti"]) > 200:
        raise TokenRejected("jti fehlt")
    return claims
