"""An app with real authentication only (no dev header), a clock the test moves, and system clients."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey

from app.adapters.auth.secrets import Argon2PasswordHasher, hash_client_secret, new_client_secret
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container
from app.domain.identity import ClientAuthMethod
from app.entrypoints.api.app import create_app
from app.services.identity.clients import create_client
from app.settings import Settings

BASE_URL = "http://127.0.0.1:8000"
TOKEN_URL = BASE_URL + "/oauth/token"


class MovableClock:
    """The app's clock; a test moves it instead of sleeping."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclasses.dataclass
class AuthApp:
    client: TestClient
    container: Container
    clock: MovableClock
    settings: Settings

    def uow(self) -> SqlUnitOfWork:
        return self.container.uow_factory()  # type: ignore[return-value]

    def register_secret_client(
        self,
        institution_code: str,
        client_id: str | None = None,
        method: ClientAuthMethod = ClientAuthMethod.CLIENT_SECRET_BASIC,
    ) -> tuple[str, str]:
        client_id = client_id or f"sys-{uuid.uuid4().hex[:8]}"
        secret = new_client_secret()
        create_client(
            self.uow(),
            client_id=client_id,
            institution_code=institution_code,
            auth_method=method,
            now=self.clock.now(),
            secret=secret,
            secret_hash=hash_client_secret(secret),
        )
        return client_id, secret

    def register_key_client(self, institution_code: str) -> tuple[str, ECKey]:
        client_id = f"jwt-{uuid.uuid4().hex[:8]}"
        key = ECKey.generate_key("P-256", parameters={"kid": "inst-1"}, private=True)
        create_client(
            self.uow(),
            client_id=client_id,
            institution_code=institution_code,
            auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
            now=self.clock.now(),
            jwks={"keys": [key.as_dict(private=False)]},
        )
        return client_id, key

    def token(self, client_id: str, secret: str) -> Any:
        return self.client.post(
            TOKEN_URL, data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )

    def access_token(self, client_id: str, secret: str) -> str:
        response = self.token(client_id, secret)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def assertion(self, client_id: str, key: ECKey, **overrides: Any) -> str:
        now = int(self.clock.now().timestamp())
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": TOKEN_URL,
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key, algorithms=["ES256"])

    def token_with_assertion(self, assertion: str, client_id: str | None = None) -> Any:
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        }
        if client_id:
            data["client_id"] = client_id
        return self.client.post(TOKEN_URL, data=data)


def auth_settings(database_url: str, key_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "dev_principal_enabled": False,
        "auth_signing_key_dir": key_dir,
    }
    values.update(overrides)
    return Settings(**values)


def cheap_password_hasher() -> Argon2PasswordHasher:
    """argon2id with the smallest cost: the tests check behaviour, not the cost of guessing."""
    return Argon2PasswordHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def build_auth_app(container: Container, settings: Settings) -> AuthApp:
    clock = MovableClock()
    changed = dataclasses.replace(container, settings=settings, clock=clock)
    app = create_app(settings, changed)
    app.state.identity.hasher = cheap_password_hasher()
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
    return AuthApp(client, changed, clock, settings)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def b64(data: dict[str, Any]) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
