"""Why the service refuses to start in production: every reason in one place, in German.

Two moments: `configuration_refusals` judges the settings alone (the settings validator calls it, so
every command refuses the same way); `refuse_unusable_keys` judges the key material the settings point
to, once the service is about to start. Without COCKPIT_ENVIRONMENT the service is production.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.settings import Settings


class StartupRefused(Exception):
    """The service must not start with this configuration; the message is German."""


class SigningKeys(Protocol):
    def by_kid(self) -> Mapping[str, object]: ...
    def active_kid(self) -> str | None: ...
    def has_dev_keys(self) -> bool: ...


PREFIX = "Produktionsmodus verweigert: "


def configuration_refusals(settings: Settings) -> list[str]:
    """German reasons, from the settings alone, that keep production from starting; empty if none."""
    if not settings.is_production:
        return []
    refusals = []
    if "environment" not in settings.model_fields_set:
        refusals.append(
            "COCKPIT_ENVIRONMENT ist nicht gesetzt, daher gilt der Produktionsmodus "
            "(für die Entwicklung COCKPIT_ENVIRONMENT=dev setzen, wie `make run` es tut)."
        )
    if settings.dev_principal_enabled is True:
        refusals.append(
            "Der Entwicklungs-Principal (Header X-Cockpit-Dev-User) ist aktiv; "
            "COCKPIT_DEV_PRINCIPAL_ENABLED=false setzen."
        )
    refusals += _identity_refusals(settings)
    refusals += _key_refusals(settings)
    return refusals


def _identity_refusals(settings: Settings) -> list[str]:
    refusals = []
    if settings.auth_signing_key_dir is None:
        refusals.append(
            "Keine Authentifizierung konfiguriert: COCKPIT_AUTH_SIGNING_KEY_DIR muss auf das Verzeichnis "
            "der Signaturschlüssel zeigen (erzeugen mit `cockpit auth rotate-signing-key`)."
        )
    elif _in_dev_root(settings.auth_signing_key_dir):
        refusals.append(
            "Die Signaturschlüssel liegen im Entwicklungsverzeichnis var/; das sind Testschlüssel."
        )
    if not settings.token_issuer.startswith("https://"):
        refusals.append("Der Token-Aussteller (COCKPIT_AUTH_ISSUER) muss eine https-Adresse sein.")
    if settings.session_cookie_secure is False:
        refusals.append("Sitzungs-Cookies müssen im Produktionsmodus Secure sein.")
    oidc = (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    if any(oidc) and not all(oidc):
        refusals.append("OIDC ist nur teilweise konfiguriert (Aussteller, Client-ID und Secret nötig).")
    return refusals


def _key_refusals(settings: Settings) -> list[str]:
    from app.settings import KeyProviderKind

    refusals = []
    if settings.key_provider is KeyProviderKind.KEYRING and settings.keyring_path is None:
        refusals.append(
            "Kein Schlüssel für die Feldverschlüsselung konfiguriert: COCKPIT_KEYRING_PATH oder "
            "COCKPIT_KEY_PROVIDER=pkcs11 setzen."
        )
    if settings.key_provider is KeyProviderKind.PKCS11 and not (
        settings.pkcs11_library and settings.pkcs11_token_label and settings.pkcs11_pin
    ):
        refusals.append(
            "PKCS#11 verlangt COCKPIT_PKCS11_LIBRARY, COCKPIT_PKCS11_TOKEN_LABEL und COCKPIT_PKCS11_PIN."
        )
    if _in_dev_root(settings.audit_signing_key_file):
        refusals.append(
            "Der Signaturschlüssel der Audit-Checkpoints liegt im Entwicklungsverzeichnis var/: "
            "COCKPIT_AUDIT_SIGNING_KEY_FILE auf einen eigenen Schlüssel setzen."
        )
    return refusals


def refuse_unusable_keys(settings: Settings, signing_keys: SigningKeys) -> None:
    """Production only: the token signing keys and the checkpoint key must exist and not be dev keys."""
    if not settings.is_production:
        return
    refusals = []
    keys = signing_keys.by_kid()
    if not keys or signing_keys.active_kid() not in keys:
        refusals.append(
            "kein aktiver Signaturschlüssel in COCKPIT_AUTH_SIGNING_KEY_DIR "
            "(erzeugen mit `cockpit auth rotate-signing-key`)."
        )
    if signing_keys.has_dev_keys():
        refusals.append("im Schlüsselverzeichnis liegen Entwicklungsschlüssel (kid dev-…).")
    if not settings.audit_signing_key_file.exists():
        missing = settings.audit_signing_key_file
        refusals.append(f"der Signaturschlüssel der Audit-Checkpoints fehlt: {missing}.")
    if refusals:
        raise StartupRefused(PREFIX + " ".join(refusals))


def _in_dev_root(path: Path) -> bool:
    from app.settings import PROJECT_ROOT

    return path.resolve().is_relative_to((PROJECT_ROOT / "var").resolve())
