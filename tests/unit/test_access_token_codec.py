"""Each check of the access-token verification fires for its own defect (not a neighbour's)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from app.adapters.auth.jwt_tokens import AccessTokenCodec, TokenRejected
from app.adapters.auth.signing_keys import SigningKeyStore

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ISSUER, AUDIENCE = "https://cockpit.so.ch", "https://cockpit.so.ch/api"


def _b64(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def codec(tmp_path: Path) -> AccessTokenCodec:
    store = SigningKeyStore(tmp_path)
    store.rotate()
    return AccessTokenCodec(store, ISSUER, AUDIENCE)


def _claims(**changes: object) -> dict[str, object]:
    ts = int(NOW.timestamp())
    claims: dict[str, object] = {"sub": "c", "client_id": "c", "jti": "j", "iat": ts, "exp": ts + 300}
    claims.update(changes)
    return claims


def _signed(codec: AccessTokenCodec, header: dict[str, object], claims: dict[str, object]) -> str:
    key = codec.store.active_key()
    full = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid, **header}
    return jwt.encode(full, {"iss": ISSUER, "aud": AUDIENCE, **claims}, key, algorithms=["ES256"])


def test_a_genuine_token_verifies(codec: AccessTokenCodec) -> None:
    assert codec.decode(codec.encode(_claims()), NOW)["client_id"] == "c"


@pytest.mark.parametrize(
    ("header", "claims", "reason"),
    [
        ({"typ": "JWT"}, {}, "falscher typ"),
        ({"kid": "nope"}, {}, "unbekannte kid"),
        ({}, {"iss": "https://evil.example"}, "falscher Aussteller"),
        ({}, {"aud": "https://other.example"}, "falsche Zielgruppe"),
        ({}, {"exp": int((NOW - timedelta(minutes=1)).timestamp())}, "abgelaufen"),
        ({}, {"iat": int((NOW + timedelta(minutes=5)).timestamp())}, "iat in der Zukunft"),
        ({}, {"jti": ""}, "jti fehlt"),
        ({}, {"client_id": None}, "client_id fehlt"),
    ],
)
def test_each_defect_is_named(codec: AccessTokenCodec, header: dict, claims: dict, reason: str) -> None:
    with pytest.raises(TokenRejected, match=reason):
        codec.decode(_signed(codec, header, _claims(**claims)), NOW)


def test_algorithm_is_pinned_before_the_signature_is_looked_at(codec: AccessTokenCodec) -> None:
    kid = codec.store.active_kid()
    payload = _b64({"iss": ISSUER, "aud": AUDIENCE, **_claims()})
    none = _b64({"alg": "none", "typ": "at+jwt", "kid": kid})
    with pytest.raises(TokenRejected, match="Algorithmus nicht erlaubt"):
        codec.decode(f"{none}.{payload}.", NOW)
    hs = _b64({"alg": "HS256", "typ": "at+jwt", "kid": kid})
    secret = codec.store.active_key().as_pem(private=False)
    mac = base64.urlsafe_b64encode(hmac.new(secret, f"{hs}.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(TokenRejected, match="Algorithmus nicht erlaubt"):
        codec.decode(f"{hs}.{payload}.{mac.rstrip(b'=').decode()}", NOW)


def test_a_signature_by_another_key_with_our_kid_fails(codec: AccessTokenCodec) -> None:
    other = ECKey.generate_key("P-256", private=True)
    kid = codec.store.active_kid()
    token = jwt.encode(
        {"alg": "ES256", "typ": "at+jwt", "kid": kid},
        {"iss": ISSUER, "aud": AUDIENCE, **_claims()},
        other,
        algorithms=["ES256"],
    )
    with pytest.raises(TokenRejected, match="Signatur ungültig"):
        codec.decode(token, NOW)


def test_keys_are_written_private(tmp_path: Path) -> None:
    store = SigningKeyStore(tmp_path / "keys", create_dev_key=True)
    store.active_key()
    files = list((tmp_path / "keys").iterdir())
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files)
    assert store.has_dev_keys()


def test_a_remembered_signature_still_expires_and_dies_with_its_key(codec: AccessTokenCodec) -> None:
    token = codec.encode(_claims())
    assert codec.decode(token, NOW)["client_id"] == "c"  # verified, and its signature remembered
    with pytest.raises(TokenRejected, match="abgelaufen"):
        codec.decode(token, NOW + timedelta(minutes=10))
    kid = codec.store.active_kid()
    codec.store.rotate()
    assert kid is not None
    codec.store.retire(kid)
    with pytest.raises(TokenRejected, match="unbekannte kid"):
        codec.decode(token, NOW)


def test_a_token_altered_after_an_accepted_one_is_checked_anew(codec: AccessTokenCodec) -> None:
    token = codec.encode(_claims())
    codec.decode(token, NOW)
    header, payload, signature = token.split(".")
    forged_payload = _b64({"iss": ISSUER, "aud": AUDIENCE, **_claims(sub="admin", client_id="admin")})
    for forged in (f"{header}.{forged_payload}.{signature}", f"{header}.{payload}.{signature[:-4]}AAAA"):
        with pytest.raises(TokenRejected, match="Signatur"):
            codec.decode(forged, NOW)
