"""Tables of the identity part: system clients, credentials, web sessions, throttles, used assertions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base


class SystemClientRow(Base):
    __tablename__ = "system_clients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), index=True)
    auth_method: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str | None] = mapped_column(String(128))
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    enabled: Mapped[bool]
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class UserCredentialRow(Base):
    __tablename__ = "user_credentials"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # The TOTP seed, sealed under the KEK (app/adapters/crypto/sealed_secrets.py).
    totp_kek_id: Mapped[str | None] = mapped_column(String(64), index=True)
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class WebSessionRow(Base):
    """The id is kept only as its SHA-256: a copy of this table opens no session."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)


class PendingFormRow(Base):
    """A form that arrived after its session ended: page, action and fields sealed under the KEK as one
    JSON value (app/adapters/crypto/sealed_secrets.py), bound to this row; gone once used or expired."""

    __tablename__ = "pending_forms"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginThrottleRow(Base):
    """Failed logins per account or client address; keys are hashes, not names or addresses."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]


class UsedClientAssertionRow(Base):
    """`jti` of accepted client assertions until they expire: an assertion is accepted once."""

    __tablename__ = "used_client_assertions"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    jti: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class OidcLoginRow(Base):
    """A login begun at the identity provider: state, nonce and PKCE verifier, bound to one session."""

    __tablename__ = "oidc_logins"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(index=True)
