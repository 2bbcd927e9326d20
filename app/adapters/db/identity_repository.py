"""The identity repository: system clients, credentials, sessions, throttles, used assertions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.adapters.crypto.providers import KeyProvider
from app.adapters.crypto.sealed_secrets import SecretKind, open_secret, seal_secret
from app.adapters.db.identity_models import (
    LoginThrottleRow,
    OidcLoginRow,
    PendingFormRow,
    SystemClientRow,
    UsedClientAssertionRow,
    UserCredentialRow,
    WebSessionRow,
)
from app.domain.identity import (
    ClientAuthMethod,
    Credentials,
    OidcLogin,
    PendingForm,
    SessionStage,
    SystemClient,
    Throttle,
    WebSession,
)


class SqlIdentityRepository:
    def __init__(self, session: Session, keys: KeyProvider) -> None:
        self._session = session
        self._keys = keys  # seals and opens the TOTP seeds

    # -- system clients -----------------------------------------------------------------------------

    def client(self, client_id: str) -> SystemClient | None:
        row = self._session.scalar(select(SystemClientRow).where(SystemClientRow.client_id == client_id))
        return _client(row) if row else None

    def client_by_id(self, id: uuid.UUID) -> SystemClient | None:
        row = self._session.get(SystemClientRow, id)
        return _client(row) if row else None

    def clients(self) -> list[SystemClient]:
        rows = self._session.scalars(select(SystemClientRow).order_by(SystemClientRow.client_id))
        return [_client(r) for r in rows]

    def save_client(self, client: SystemClient) -> None:
        row = self._session.get(SystemClientRow, client.id) or SystemClientRow(id=client.id)
        row.client_id = client.client_id
        row.institution_id = client.institution_id
        row.auth_method = client.auth_method.value
        row.secret_hash = client.secret_hash
        row.jwks = client.jwks
        row.enabled = client.enabled
        row.created_at = client.created_at
        row.disabled_at = client.disabled_at
        self._session.add(row)
        self._session.flush()

    def use_assertion(self, client_id: str, jti: str, expires_at: datetime, now: datetime) -> bool:
        """Record an assertion's jti; False if it was seen before (a replay)."""
        self._session.execute(delete(UsedClientAssertionRow).where(UsedClientAssertionRow.expires_at < now))
        if self._session.get(UsedClientAssertionRow, (client_id, jti)) is not None:
            return False
        self._session.add(UsedClientAssertionRow(client_id=client_id, jti=jti, expires_at=expires_at))
        self._session.flush()
        return True

    # -- credentials --------------------------------------------------------------------------------

    def credentials(self, user_id: uuid.UUID) -> Credentials | None:
        row = self._session.get(UserCredentialRow, user_id)
        if row is None:
            return None
        return Credentials(row.user_id, row.password_hash, self._stored_totp(row), row.totp_last_step)

    def _stored_totp(self, row: UserCredentialRow) -> str | None:
        if row.totp_kek_id is None or row.totp_sealed is None:
            return None
        return open_secret(self._keys, SecretKind.TOTP, row.user_id, row.totp_kek_id, row.totp_sealed)

    def save_credentials(self, credentials: Credentials) -> None:
        row = self._session.get(UserCredentialRow, credentials.user_id) or UserCredentialRow(
            user_id=credentials.user_id
        )
        row.password_hash = credentials.password_hash
        if credentials.totp_secret is None:
            row.totp_kek_id, row.totp_sealed = None, None
        elif self._stored_totp(row) != credentials.totp_secret:  # unchanged seeds keep their sealing
            sealed = seal_secret(self._keys, SecretKind.TOTP, credentials.user_id, credentials.totp_secret)
            row.totp_kek_id, row.totp_sealed = sealed
        row.totp_last_step = credentials.totp_last_step
        self._session.add(row)
        self._session.flush()

    # -- web sessions -------------------------------------------------------------------------------

    def web_session(self, id_hash: str) -> WebSession | None:
        row = self._session.get(WebSessionRow, id_hash)
        return _web_session(row) if row else None

    def save_web_session(self, web_session: WebSession) -> None:
        row = self._session.get(WebSessionRow, web_session.id_hash) or WebSessionRow(
            id_hash=web_session.id_hash
        )
        row.csrf_token = web_session.csrf_token
        row.stage = web_session.stage.value
        row.user_id = web_session.user_id
        row.created_at = web_session.created_at
        row.last_seen_at = web_session.last_seen_at
        self._session.add(row)
        self._session.flush()

    def delete_web_session(self, id_hash: str) -> None:
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash))

    def delete_idle_sessions(self, seen_before: datetime) -> None:
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.last_seen_at < seen_before))

    def sessions_of(self, user_id: uuid.UUID) -> list[WebSession]:
        rows = self._session.scalars(
            select(WebSessionRow).where(WebSessionRow.user_id == user_id).order_by(WebSessionRow.created_at)
        )
        return [_web_session(row) for row in rows]

    # -- forms kept across a session timeout --------------------------------------------------------

    def keep_pending_form(self, form: PendingForm) -> None:
        payload = json.dumps(
            {"user": str(form.user_id), "page": form.page, "action": form.action, "fields": form.fields}
        )
        kek_id, sealed = seal_secret(self._keys, SecretKind.PENDING_FORM, form.id, payload)
        self._session.add(
            PendingFormRow(
                id=form.id,
                token_hash=form.token_hash,
                user_id=form.user_id,
                kek_id=kek_id,
                sealed=sealed,
                expires_at=form.expires_at,
            )
        )
        self._session.flush()

    def take_pending_form(self, token_hash: str) -> PendingForm | None:
        """The kept form behind this token, deleted in the same breath: it is used at most once."""
        row = self._session.scalar(select(PendingFormRow).where(PendingFormRow.token_hash == token_hash))
        if row is None:
            return None
        self._session.delete(row)
        self._session.flush()
        payload = json.loads(open_secret(self._keys, SecretKind.PENDING_FORM, row.id, row.kek_id, row.sealed))
        if payload["user"] != str(row.user_id):
            return None
        fields = {str(k): str(v) for k, v in payload["fields"].items()}
        return PendingForm(
            row.id, row.token_hash, row.user_id, payload["page"], payload["action"], fields, row.expires_at
        )

    def delete_expired_pending_forms(self, now: datetime) -> None:
        self._session.execute(delete(PendingFormRow).where(PendingFormRow.expires_at <= now))

    def delete_sessions_of(self, user_id: uuid.UUID) -> int:
        result = self._session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    # -- throttles ----------------------------------------------------------------------------------

    def throttle(self, key: str) -> Throttle:
        row = self._session.get(LoginThrottleRow, key)
        if row is None:
            return Throttle(key)
        return Throttle(key, row.failures, row.window_started_at, row.locked_until, row.last_success_at)

    def save_throttle(self, throttle: Throttle) -> None:
        row = self._session.get(LoginThrottleRow, throttle.key) or LoginThrottleRow(key=throttle.key)
        row.failures = throttle.failures
        row.window_started_at = throttle.window_started_at
        row.locked_until = throttle.locked_until
        row.last_success_at = throttle.last_success_at
        self._session.add(row)
        self._session.flush()

    def delete_stale_throttles(
        self, now: datetime, window_before: datetime, success_before: datetime
    ) -> None:
        """Throttles that hold nothing any more: no wait, no failures in a live window, no recent success."""
        self._session.execute(
            delete(LoginThrottleRow).where(
                or_(LoginThrottleRow.locked_until.is_(None), LoginThrottleRow.locked_until < now),
                or_(
                    LoginThrottleRow.window_started_at.is_(None),
                    LoginThrottleRow.window_started_at < window_before,
                ),
                or_(
                    LoginThrottleRow.last_success_at.is_(None),
                    LoginThrottleRow.last_success_at < success_before,
                ),
            )
        )

    def delete_throttle(self, key: str) -> None:
        self._session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))

    def clear_throttles(self, keys_or_prefixes: tuple[str, ...]) -> int:
        """Forget failures and waits (not the known addresses) under these keys; a key ending in `:`
        is a prefix. The number of throttles cleared."""
        cleared = 0
        for key in keys_or_prefixes:
            match = LoginThrottleRow.key.startswith(key) if key.endswith(":") else LoginThrottleRow.key == key
            for row in self._session.scalars(select(LoginThrottleRow).where(match)):
                if row.failures or row.locked_until:
                    cleared += 1
                row.failures, row.window_started_at, row.locked_until = 0, None, None
        self._session.flush()
        return cleared

    # -- logins at the identity provider -------------------------------------------------------------

    def save_oidc_login(self, login: OidcLogin) -> None:
        self._session.add(
            OidcLoginRow(
                state=login.state,
                session_hash=login.session_hash,
                nonce=login.nonce,
                code_verifier=login.code_verifier,
                created_at=login.created_at,
            )
        )
        self._session.flush()

    def take_oidc_login(self, state: str, created_after: datetime) -> OidcLogin | None:
        """The login of this state, removed (it is valid once); old ones are cleared on the way."""
        self._session.execute(delete(OidcLoginRow).where(OidcLoginRow.created_at < created_after))
        row = self._session.get(OidcLoginRow, state)
        if row is None:
            return None
        login = OidcLogin(row.state, row.session_hash, row.nonce, row.code_verifier, row.created_at)
        self._session.delete(row)
        self._session.flush()
        return login


def _client(row: SystemClientRow) -> SystemClient:
    return SystemClient(
        id=row.id,
        client_id=row.client_id,
        institution_id=row.institution_id,
        auth_method=ClientAuthMethod(row.auth_method),
        created_at=row.created_at,
        secret_hash=row.secret_hash,
        jwks=row.jwks,
        enabled=row.enabled,
        disabled_at=row.disabled_at,
    )


def _web_session(row: WebSessionRow) -> WebSession:
    return WebSession(
        row.id_hash, row.csrf_token, SessionStage(row.stage), row.created_at, row.last_seen_at, row.user_id
    )
