"""Migration 0010 seals the TOTP seeds and webhook secrets of an existing database; the downgrade
opens them again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.sealed_secrets import SecretKind, open_secret
from app.adapters.db import migrations
from app.adapters.db.engine import make_engine
from tests.databases import DatabaseFactory

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
WEBHOOK = "webhook-geheimnis-im-klartext-0123456789"


S = sa.String()


def _table(table: str, /, **columns: sa.types.TypeEngine) -> sa.TableClause:
    return sa.table(table, *(sa.column(column, kind) for column, kind in columns.items()))


def test_upgrade_seals_existing_secrets_and_downgrade_restores_them(
    databases: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = tmp_path / "keyring.json"
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(keyring))
    LocalKeyring.open(keyring, create=True)
    url = databases.empty()
    migrations.upgrade(url, "0007")
    engine = make_engine(url)
    institution, user, subscription = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    try:
        with engine.begin() as connection:
            connection.execute(
                _table("institutions", id=sa.Uuid(), kind=S, code=S, name=S, active=sa.Boolean()).insert(),
                {"id": institution, "kind": "rav", "code": "R", "name": "RAV", "active": True},
            )
            users = _table(
                "users",
                id=sa.Uuid(),
                username=S,
                display_name=S,
                institution_id=sa.Uuid(),
                roles=sa.JSON(),
                active=sa.Boolean(),
            )
            connection.execute(
                users.insert(),
                {
                    "id": user,
                    "username": "sd",
                    "display_name": "SD",
                    "institution_id": institution,
                    "roles": [],
                    "active": True,
                },
            )
            connection.execute(
                _table("user_credentials", user_id=sa.Uuid(), totp_secret=S).insert(),
                {"user_id": user, "totp_secret": TOTP},
            )
            hooks = _table(
                "event_subscriptions",
                id=sa.Uuid(),
                institution_id=sa.Uuid(),
                url=S,
                secret=S,
                active=sa.Boolean(),
                created_at=sa.DateTime(timezone=True),
                fanout_cursor=sa.BigInteger(),
            )
            connection.execute(
                hooks.insert(),
                {
                    "id": subscription,
                    "institution_id": institution,
                    "url": "https://rav.example/h",
                    "secret": WEBHOOK,
                    "active": True,
                    "created_at": NOW,
                    "fanout_cursor": 0,
                },
            )
        migrations.upgrade(url, "0010")
        keys = LocalKeyring.open(keyring, create=False)
        with engine.connect() as connection:
            kek, sealed = connection.execute(
                sa.text("SELECT totp_kek_id, totp_sealed FROM user_credentials")
            ).one()
            hook_kek, hook_sealed = connection.execute(
                sa.text("SELECT secret_kek_id, secret_sealed FROM event_subscriptions")
            ).one()
        assert TOTP.encode() not in bytes(sealed) and WEBHOOK.encode() not in bytes(hook_sealed)
        assert open_secret(keys, SecretKind.TOTP, user, kek, bytes(sealed)) == TOTP
        assert open_secret(keys, SecretKind.WEBHOOK, subscription, hook_kek, bytes(hook_sealed)) == WEBHOOK
        migrations.downgrade(url, "0007")
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT totp_secret FROM user_credentials")).scalar() == TOTP
            assert connection.execute(sa.text("SELECT secret FROM event_subscriptions")).scalar() == WEBHOOK
    finally:
        engine.dispose()
