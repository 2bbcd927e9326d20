"""A subscription's signing secret, sealed under the KEK in its row."""

from __future__ import annotations

from app.adapters.crypto.providers import KeyProvider
from app.adapters.crypto.sealed_secrets import SecretKind, open_secret, seal_secret
from app.adapters.events.models import SubscriptionRow


def seal_webhook_secret(keys: KeyProvider, row: SubscriptionRow, secret: str) -> None:
    row.secret_kek_id, row.secret_sealed = seal_secret(keys, SecretKind.WEBHOOK, row.id, secret)


def webhook_secret(keys: KeyProvider, row: SubscriptionRow) -> str:
    return open_secret(keys, SecretKind.WEBHOOK, row.id, row.secret_kek_id, row.secret_sealed)
