"""Institution systems: OAuth2 client credentials, RFC 9068 access tokens, and every way to abuse them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from joserfc import jwt
from sqlalchemy import Engine

from app.adapters.auth.signing_keys import SigningKeyStore
from app.domain.identity import ClientAuthMethod
from app.services.identity.clients import disable_client
from tests.audit_log import last_audit_event
from tests.identity_helpers import TOKEN_URL, AuthApp, b64, bearer

CASES = "/api/v1/cases"


def _store(auth: AuthApp) -> SigningKeyStore:
    assert auth.settings.auth_signing_key_dir is not None
    return SigningKeyStore(auth.settings.auth_signing_key_dir)


def _claims(auth: AuthApp, token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, _store(auth).active_key(), algorithms=["ES256"]).claims)


def _forged(auth: AuthApp, token: str, header: dict[str, Any] | None = None, **claims: Any) -> str:
    """The token re-signed with our real key after changing header or claims."""
    key = _store(auth).active_key()
    full_header = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid, **(header or {})}
    return jwt.encode(full_header, {**_claims(auth, token), **claims}, key, algorithms=["ES256"])


def _refused(auth: AuthApp, token: str) -> None:
    response = auth.client.get(CASES, headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="cockpit", error="invalid_token"'
    assert response.json()["detail"] == "Das Zugriffstoken ist ungültig oder abgelaufen."


def test_client_secret_basic_gets_an_rfc9068_token_that_opens_the_api(auth: AuthApp, engine: Engine) -> None:
    client_id, secret = auth.register_secret_client("T-SD-WA")
    response = auth.token(client_id, secret)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 300, "api")
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert (header["typ"], header["alg"], header["kid"]) == ("at+jwt", "ES256", _store(auth).active_kid())
    claims = _claims(auth, body["access_token"])
    assert claims["iss"] == "http://127.0.0.1:8000"
    assert claims["aud"] == "http://127.0.0.1:8000/api"
    assert claims["sub"] == claims["client_id"] == client_id
    assert claims["exp"] - claims["iat"] == 300
    assert claims["jti"]
    event = last_audit_event(engine)
    assert (event.action, event.outcome, event.actor_kind, event.actor_name) == (
        "login",
        "allowed",
        "system",
        client_id,
    )
    assert secret not in event.reason

    listed = auth.client.get(CASES, headers=bearer(body["access_token"]))
    assert listed.status_code == 200, listed.text
    assert last_audit_event(engine).actor_name == client_id


def test_client_secret_post_is_accepted_and_a_wrong_secret_is_not(auth: AuthApp, engine: Engine) -> None:
    client_id, secret = auth.register_secret_client("T-RAV", method=ClientAuthMethod.CLIENT_SECRET_POST)
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    assert auth.client.post(TOKEN_URL, data=data).status_code == 200
    wrong = auth.client.post(TOKEN_URL, data={**data, "client_secret": secret[:-1] + "x"})
    assert wrong.status_code == 401
    assert wrong.json() == {
        "error": "invalid_client",
        "error_description": "Client-Authentifizierung fehlgeschlagen.",
    }
    event = last_audit_event(engine)
    assert (event.outcome, event.reason) == ("denied", "Secret falsch.")


def test_unknown_client_wrong_grant_and_unknown_scope_are_refused(auth: AuthApp) -> None:
    assert auth.token("niemand", "x").status_code == 401
    client_id, secret = auth.register_secret_client("T-SD-WA")
    grant = auth.client.post(TOKEN_URL, data={"grant_type": "password"}, auth=(client_id, secret))
    assert grant.json()["error"] == "unsupported_grant_type"
    scope = auth.client.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "scope": "admin"}, auth=(client_id, secret)
    )
    assert scope.json()["error"] == "invalid_scope"
    both = auth.client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        auth=(client_id, secret),
    )
    assert both.json()["error"] == "invalid_client"  # exactly one way of authentication


def test_private_key_jwt_happy_path(auth: AuthApp) -> None:
    client_id, key = auth.register_key_client("T-IV")
    response = auth.token_with_assertion(auth.assertion(client_id, key), client_id)
    assert response.status_code == 200, response.text
    without_client_id = auth.token_with_assertion(auth.assertion(client_id, key))
    assert without_client_id.status_code == 200, without_client_id.text
    token = response.json()["access_token"]
    assert auth.client.get(CASES, headers=bearer(token)).status_code == 200


def test_replayed_client_assertion_is_refused(auth: AuthApp, engine: Engine) -> None:
    client_id, key = auth.register_key_client("T-IV")
    assertion = auth.assertion(client_id, key)
    assert auth.token_with_assertion(assertion, client_id).status_code == 200
    replay = auth.token_with_assertion(assertion, client_id)
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"
    assert last_audit_event(engine).reason == "Client-Assertion bereits verwendet (Replay)."


def test_bad_client_assertions_are_refused(auth: AuthApp) -> None:
    client_id, key = auth.register_key_client("T-IV")
    _, other_key = auth.register_key_client("T-IV")
    now = int(auth.clock.now().timestamp())
    bad = {
        "wrong audience": auth.assertion(client_id, key, aud="https://elsewhere.example/token"),
        "expired": auth.assertion(client_id, key, iat=now - 600, exp=now - 120),
        "too long valid": auth.assertion(client_id, key, exp=now + 3600),
        "iss is not the client": auth.assertion(client_id, key, iss="other"),
        "no jti": auth.assertion(client_id, key, jti=""),
        "signed by another key": auth.assertion(client_id, other_key),
    }
    for name, assertion in bad.items():
        response = auth.token_with_assertion(assertion, client_id)
        assert response.status_code == 401, name
    secret_client, _ = auth.register_secret_client("T-IV")
    # a client registered with a secret cannot switch to assertions, nor the other way round
    assert auth.token_with_assertion(auth.assertion(secret_client, key), secret_client).status_code == 401
    assert auth.token(client_id, "geraten").status_code == 401


def test_token_abuse_is_refused(auth: AuthApp) -> None:
    client_id, secret = auth.register_secret_client("T-SD-WA")
    token = auth.access_token(client_id, secret)
    claims = _claims(auth, token)
    header_b64, payload_b64, signature = token.split(".")

    # alg none, with and without a signature part
    none_header = b64({"alg": "none", "typ": "at+jwt", "kid": _store(auth).active_kid()})
    _refused(auth, f"{none_header}.{payload_b64}.")
    _refused(auth, f"{none_header}.{payload_b64}.{signature}")
    # HMAC signed with our public key as the shared secret (the classic algorithm confusion)
    public_pem = _store(auth).active_key().as_pem(private=False)
    hs_header = b64({"alg": "HS256", "typ": "at+jwt", "kid": _store(auth).active_kid()})
    signing_input = f"{hs_header}.{payload_b64}".encode()
    mac = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    _refused(auth, f"{hs_header}.{payload_b64}.{mac.decode()}")
    # claims and header that do not fit, signed with the real key
    _refused(auth, _forged(auth, token, aud="https://other.example/api"))
    _refused(auth, _forged(auth, token, iss="https://evil.example"))
    _refused(auth, _forged(auth, token, header={"typ": "JWT"}))
    _refused(auth, _forged(auth, token, header={"kid": "unbekannt"}))
    _refused(auth, _forged(auth, token, sub="other-client"))
    # a tampered payload under the original signature
    tampered = b64({**claims, "client_id": "other", "sub": "other"})
    _refused(auth, f"{header_b64}.{tampered}.{signature}")
    # a garbled token and a non-bearer scheme
    _refused(auth, "nonsense")
    basic = auth.client.get(CASES, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert basic.status_code == 401
    # the genuine token still works
    assert auth.client.get(CASES, headers=bearer(token)).status_code == 200


def test_expired_token_is_refused(auth: AuthApp) -> None:
    client_id, secret = auth.register_secret_client("T-SD-WA")
    token = auth.access_token(client_id, secret)
    auth.clock.advance(seconds=300 + 29)  # within the allowed clock skew
    assert auth.client.get(CASES, headers=bearer(token)).status_code == 200
    auth.clock.advance(seconds=2)
    _refused(auth, token)


def test_disabled_client_is_refused_at_once_also_with_a_token_in_hand(auth: AuthApp) -> None:
    client_id, secret = auth.register_secret_client("T-SD-WA")
    token = auth.access_token(client_id, secret)
    assert auth.client.get(CASES, headers=bearer(token)).status_code == 200
    disable_client(auth.uow(), client_id, auth.clock.now())
    _refused(auth, token)
    assert auth.token(client_id, secret).status_code == 401


def test_jwks_rotation_keeps_old_tokens_valid_until_the_key_is_retired(auth: AuthApp) -> None:
    client_id, secret = auth.register_secret_client("T-SD-WA")
    old_token = auth.access_token(client_id, secret)
    old_kid = _store(auth).active_kid()
    new_kid = _store(auth).rotate()
    new_token = auth.access_token(client_id, secret)
    assert json.loads(base64.urlsafe_b64decode(new_token.split(".")[0] + "=="))["kid"] == new_kid
    published = auth.client.get("/.well-known/jwks.json").json()["keys"]
    assert {k["kid"] for k in published} == {old_kid, new_kid}
    assert all("d" not in k and k["alg"] == "ES256" and k["use"] == "sig" for k in published)
    for token in (old_token, new_token):
        assert auth.client.get(CASES, headers=bearer(token)).status_code == 200
    assert old_kid is not None
    _store(auth).retire(old_kid)
    _refused(auth, old_token)
    assert auth.client.get(CASES, headers=bearer(new_token)).status_code == 200
    assert [k["kid"] for k in auth.client.get("/.well-known/jwks.json").json()["keys"]] == [new_kid]


def test_authorization_server_metadata(auth: AuthApp) -> None:
    document = auth.client.get("/.well-known/oauth-authorization-server").json()
    assert document["token_endpoint"] == TOKEN_URL
    assert document["jwks_uri"] == "http://127.0.0.1:8000/.well-known/jwks.json"
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert document["grant_types_supported"] == ["client_credentials"]


def test_without_credentials_the_api_answers_401_with_a_challenge(auth: AuthApp) -> None:
    response = auth.client.get(CASES, headers={"X-Cockpit-Dev-User": "sd"})  # header ignored here
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="cockpit"'
    assert response.json()["title"] == "Nicht angemeldet"


def test_the_token_endpoint_limits_requests_per_client_and_per_address(
    container, database_url: str, tmp_path, world
) -> None:
    from fastapi.testclient import TestClient

    from tests.identity_helpers import auth_settings, build_auth_app

    limited = build_auth_app(
        container, auth_settings(database_url, tmp_path / "keys", token_requests_per_minute=3)
    )
    with limited.client:
        client_id, secret = limited.register_secret_client(
            "T-RAV", method=ClientAuthMethod.CLIENT_SECRET_POST
        )
        data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "falsch"}
        answers = [limited.client.post(TOKEN_URL, data=data).status_code for _ in range(3)]
        assert answers == [401, 401, 401]
        held = limited.client.post(TOKEN_URL, data={**data, "client_secret": secret})
        assert held.status_code == 429 and held.json()["error"] == "temporarily_unavailable"
        assert int(held.headers["Retry-After"]) <= 60
        elsewhere = TestClient(
            limited.client.app, base_url=TOKEN_URL.rsplit("/oauth", 1)[0], client=("192.0.2.5", 1)
        )
        assert (
            elsewhere.post(TOKEN_URL, data={**data, "client_secret": secret}).status_code == 429
        )  # per client
        other_client, _ = limited.register_secret_client("T-RAV", method=ClientAuthMethod.CLIENT_SECRET_POST)
        same_address = {**data, "client_id": other_client}
        assert limited.client.post(TOKEN_URL, data=same_address).status_code == 429  # per address
        limited.clock.advance(seconds=61)
        assert limited.client.post(TOKEN_URL, data={**data, "client_secret": secret}).status_code == 200
