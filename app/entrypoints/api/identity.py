"""The identity services the API and the thin client share, built once per app from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from app.adapters.auth.jwt_tokens import AccessTokenCodec
from app.adapters.auth.oidc import OidcConfig, OidcProvider
from app.adapters.auth.secrets import Argon2PasswordHasher
from app.adapters.auth.signing_keys import SigningKeyStore
from app.entrypoints.api.container import Container
from app.services.identity.login import LoginPolicy
from app.services.identity.ports import IdentityUnitOfWork
from app.settings import Environment, Settings

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path


class StartupRefused(Exception):
    """The service must not start with this configuration; the message is German."""


@dataclass
class Identity:
    settings: Settings
    keys: SigningKeyStore
    codec: AccessTokenCodec
    hasher: Argon2PasswordHasher
    oidc: OidcProvider | None = None

    @property
    def token_endpoint(self) -> str:
        return self.settings.token_issuer + TOKEN_PATH

    @property
    def allow_dev_user_tokens(self) -> bool:
        return self.settings.environment in (Environment.DEV, Environment.TEST)

    def login_policy(self) -> LoginPolicy:
        required = {code.upper() for code in self.settings.totp_required_institutions}
        return LoginPolicy(
            max_failures=self.settings.login_max_failures,
            lockout=timedelta(minutes=self.settings.login_lockout_minutes),
            idle=timedelta(minutes=self.settings.session_idle_minutes),
            totp_required_for=lambda code: "*" in required or code.upper() in required,
        )


def token_audience(settings: Settings) -> str:
    return settings.token_issuer + "/api"


def build_identity(settings: Settings) -> Identity:
    production = settings.is_production
    store = SigningKeyStore(settings.signing_key_dir, create_dev_key=not production)
    if production:
        keys = store.by_kid()
        if not keys or store.active_kid() not in keys:
            raise StartupRefused(
                "Produktionsmodus verweigert: kein aktiver Signaturschlüssel in COCKPIT_AUTH_SIGNING_KEY_DIR "
                "(erzeugen mit `cockpit auth rotate-signing-key`)."
            )
        if store.has_dev_keys():
            raise StartupRefused(
                "Produktionsmodus verweigert: im Schlüsselverzeichnis liegen Entwicklungsschlüssel "
                "(kid dev-…)."
            )
    codec = AccessTokenCodec(store, settings.token_issuer, token_audience(settings))
    return Identity(settings, store, codec, Argon2PasswordHasher(), _oidc(settings))


OIDC_CALLBACK_PATH = "/anmelden/oidc/antwort"


def _oidc(settings: Settings) -> OidcProvider | None:
    if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
        return None
    return OidcProvider(
        OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            username_claim=settings.oidc_username_claim,
            redirect_uri=settings.public_base_url.rstrip("/") + OIDC_CALLBACK_PATH,
        )
    )


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes the browser insist on Secure, path / and no Domain attribute.
    return "__Host-cockpit-session" if settings.secure_cookies else "cockpit-session"


def identity_uow(container: Container) -> IdentityUnitOfWork:
    """A unit of work with the identity repository (the SQL unit of work has it)."""
    return cast(IdentityUnitOfWork, container.uow_factory())
