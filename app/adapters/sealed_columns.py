"""Where sealed secrets live (kind, table, row id, KEK id and sealed columns): for rotation and
for the check that no secret is left under a KEK about to be retired. The tables are those of
adapters/db (TOTP seeds) and adapters/events (webhook secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.adapters.crypto.sealed_secrets import SecretKind
from app.adapters.db.anomaly_reviews import AnomalyReviewRow
from app.adapters.db.identity_models import PendingFormRow, UserCredentialRow
from app.adapters.events.models import SubscriptionRow


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
