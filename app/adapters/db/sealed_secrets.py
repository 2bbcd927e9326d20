"""Where sealed secrets live (kind, table, row id, KEK id and sealed columns): for rotation and
for the check that no secret is left under a KEK about to be retired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.adapters.crypto.providers import KeyProvider
from app.adapters.crypto.sealed_secrets import SecretKind, open_secret, seal_secret
from app.adapters.db.anomaly_reviews import AnomalyReviewRow
from app.adapters.db.event_models import SubscriptionRow
from app.adapters.db.identity_models import PendingFormRow, UserCredentialRow


@dataclass(frozen=True)
class SealedColumn:
    kind: SecretKind
    id: Any
    kek_id: Any
    sealed: Any


SEALED_COLUMNS = (
    SealedColumn(
        SecretKind.TOTP,
        UserCredentialRow.user_id,
        UserCredentialRow.totp_kek_id,
        UserCredentialRow.totp_sealed,
    ),
    SealedColumn(
        SecretKind.WEBHOOK, SubscriptionRow.id, SubscriptionRow.secret_kek_id, SubscriptionRow.secret_sealed
    ),
    SealedColumn(SecretKind.PENDING_FORM, PendingFormRow.id, PendingFormRow.kek_id, PendingFormRow.sealed),
    SealedColumn(
        SecretKind.ANOMALY_NOTE,
        AnomalyReviewRow.id,
        AnomalyReviewRow.note_kek_id,
        AnomalyReviewRow.note_sealed,
    ),
)


def seal_webhook_secret(keys: KeyProvider, row: SubscriptionRow, secret: str) -> None:
    row.secret_kek_id, row.secret_sealed = seal_secret(keys, SecretKind.WEBHOOK, row.id, secret)


def webhook_secret(keys: KeyProvider, row: SubscriptionRow) -> str:
    return open_secret(keys, SecretKind.WEBHOOK, row.id, row.secret_kek_id, row.secret_sealed)
