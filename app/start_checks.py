"""Why production refuses to start: the identity part of the settings check (called by app/settings.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.settings import Settings


def production_refusals(settings: Settings) -> list[str]:
    """German reasons that keep the service from starting in production; empty when it may start."""
    refusals = []
    if settings.dev_principal_enabled:
        refusals.append(
            "Der Entwicklungs-Principal (Header X-Cockpit-Dev-User) ist aktiv; "
            "COCKPIT_DEV_PRINCIPAL_ENABLED=false setzen."
        )
    if settings.auth_signing_key_dir is None:
        refusals.append(
            "Keine Authentifizierung konfiguriert: COCKPIT_AUTH_SIGNING_KEY_DIR muss auf das Verzeichnis "
            "der Signaturschlüssel zeigen (erzeugen mit `cockpit auth rotate-signing-key`)."
        )
    elif settings.auth_signing_key_dir.resolve().is_relative_to(_dev_key_root()):
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


def _dev_key_root() -> Path:
    from app.settings import PROJECT_ROOT

    return (PROJECT_ROOT / "var").resolve()
