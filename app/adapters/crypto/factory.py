"""Building the key provider from the settings; production refuses to run on an implicit one."""

from __future__ import annotations

from collections.abc import Callable

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.providers import KeyProvider, KeyProviderError
from app.settings import DEFAULT_KEYRING, Environment, KeyProviderKind, Settings


def build_key_provider(settings: Settings, keys_expected: Callable[[], bool] | None = None) -> KeyProvider:
    """`keys_expected` tells whether the database already holds wrapped keys: then a missing dev
    keyring is an error (a new one would open nothing), never silently created."""
    if settings.key_provider is KeyProviderKind.PKCS11:
        from app.adapters.crypto.pkcs11_provider import Pkcs11Provider

        if not (settings.pkcs11_library and settings.pkcs11_token_label and settings.pkcs11_pin):
            raise KeyProviderError(
                "PKCS#11 verlangt COCKPIT_PKCS11_LIBRARY, COCKPIT_PKCS11_TOKEN_LABEL und COCKPIT_PKCS11_PIN."
            )
        return Pkcs11Provider(
            settings.pkcs11_library, settings.pkcs11_token_label, settings.pkcs11_pin.get_secret_value()
        )
    if settings.environment is Environment.PRODUCTION:
        if settings.keyring_path is None:
            raise KeyProviderError(
                "Produktionsmodus ohne konfigurierten Schlüssel: COCKPIT_KEYRING_PATH oder "
                "COCKPIT_KEY_PROVIDER=pkcs11 setzen."
            )
        return LocalKeyring.open(settings.keyring_path, create=False)
    if settings.environment is Environment.TEST and settings.keyring_path is None:
        return LocalKeyring.in_memory()
    path = settings.keyring_path or DEFAULT_KEYRING
    if not path.exists() and keys_expected is not None and keys_expected():
        raise KeyProviderError(
            f"Schlüsselbund {path} fehlt, die Datenbank enthält aber verschlüsselte Schlüssel: "
            "Schlüsselbund aus der Sicherung zurückholen (cockpit backup restore) oder "
            "COCKPIT_KEYRING_PATH richtig setzen. Ein neuer Schlüsselbund würde nichts öffnen."
        )
    return LocalKeyring.open(path, create=True)
