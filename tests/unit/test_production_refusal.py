"""Production refuses to start with dev keys, a dev principal or no authentication."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.adapters.auth.signing_keys import SigningKeyStore
from app.adapters.crypto.keyring import LocalKeyring
from app.bootstrap import StartupRefused, build_identity
from app.entrypoints.api.app import create_app
from app.settings import PROJECT_ROOT, Settings


def _production(**values: object) -> Settings:
    base: dict[str, object] = {
        "environment": "production",
        "database_url": "sqlite://",
        "dev_principal_enabled": False,
        "auth_issuer": "https://cockpit.so.ch",
    }
    base.update(values)
    return Settings(**base)  # type: ignore[arg-type]


def _keyring(directory: Path) -> Path:
    """A configured keyring, so that start-up gets as far as the signing keys."""
    path = directory / "keyring.json"
    LocalKeyring.open(path, create=True)
    return path


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"dev_principal_enabled": True}, "Entwicklungs-Principal"),
        ({}, "Keine Authentifizierung konfiguriert"),
        ({"auth_signing_key_dir": PROJECT_ROOT / "var" / "signing-keys"}, "Entwicklungsverzeichnis"),
        ({"auth_signing_key_dir": Path("/etc/cockpit/keys"), "auth_issuer": "http://cockpit"}, "https"),
        ({"auth_signing_key_dir": Path("/etc/cockpit/keys"), "session_cookie_secure": False}, "Secure"),
        ({"auth_signing_key_dir": Path("/etc/cockpit/keys"), "oidc_issuer": "https://idp"}, "OIDC"),
    ],
)
def test_unsafe_production_settings_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _production(**values)


def test_production_without_an_active_key_does_not_start(tmp_path: Path) -> None:
    with pytest.raises(StartupRefused, match="kein aktiver Signaturschlüssel"):
        create_app(_production(auth_signing_key_dir=tmp_path, keyring_path=_keyring(tmp_path)))


def test_production_with_a_dev_key_does_not_start(tmp_path: Path) -> None:
    store = SigningKeyStore(tmp_path)
    store.rotate(dev=True)
    store.rotate()
    with pytest.raises(StartupRefused, match="Entwicklungsschlüssel"):
        build_identity(_production(auth_signing_key_dir=tmp_path))


def test_production_with_real_authentication_starts_and_takes_no_dev_header(tmp_path: Path) -> None:
    SigningKeyStore(tmp_path).rotate()
    settings = _production(auth_signing_key_dir=tmp_path)
    identity = build_identity(settings)
    assert not identity.allow_dev_user_tokens
    assert settings.secure_cookies
    assert identity.keys.jwks()["keys"][0]["kid"] == identity.keys.active_kid()
    assert not list(tmp_path.glob("dev-*"))  # production never makes keys of its own


def test_dev_creates_its_own_key_on_first_use(tmp_path: Path) -> None:
    identity = build_identity(
        Settings(environment="dev", database_url="sqlite://", auth_signing_key_dir=tmp_path)
    )
    assert identity.keys.by_kid() == {}
    kid = identity.keys.active_key().kid
    assert kid is not None and kid.startswith("dev-")
