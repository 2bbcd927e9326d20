"""The identity services the API and the thin client share, built once per app from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from app.adapters.auth.jwt_tokens import AccessTokenCodec
from app.adapters.auth.oidc import OidcConfig, OidcProvider
from app.adapters.auth.secrets import Argon2PasswordHasher
from app.adapters.auth.signing_keys import SigningKeyStore
from app.domain.identity import ThrottleRule
from app.entrypoints.api.container import Container
from app.services.identity.login import LoginPolicy
from app.services.identity.ports import IdentityUnitOfWork
from app.settings import Environment, Settings
from app.startup_checks import StartupRefused, refuse_unusable_keys

__all__ = ["Identity", "StartupRefused", "build_identity"]

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path


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
        settings = self.settings
        required = {code.upper() for code in settings.totp_required_institutions}
        window = timedelta(minutes=settings.login_window_minutes)
        first = timedelta(seconds=settings.login_first_delay_seconds)
        longest = timedelta(minutes=settings.login_lockout_minutes)
        totp_window = timedelta(minutes=settings.totp_window_minutes)
        return LoginPolicy(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
            totp_required_for=lambda code: "*" in required or code.upper() in required,
            pair=ThrottleRule(settings.login_max_failures, window, first, longest),
            address=ThrottleRule(settings.login_address_max_failures, window, first, longest),
            account=ThrottleRule(settings.login_account_max_failures, window, first, longest),
            totp=ThrottleRule(settings.totp_max_failures, totp_window, first, totp_window, hard=True),
            totp_per_login=settings.totp_attempts_per_login,
        )


def token_audience(settings: Settings) -> str:
    return settings.token_issuer + "/api"


def build_identity(settings: Settings) -> Identity:
    store = SigningKeyStore(settings.signing_key_dir, create_dev_key=not settings.is_production)
    refuse_unusable_keys(settings, store)
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
