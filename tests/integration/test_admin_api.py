"""The administration API: administrators only, every change audited, secrets shown once and never
stored in the clear, webhook targets checked against request forgery."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.adapters.db.engine import make_session_factory
from app.adapters.db.identity_models import SystemClientRow
from app.adapters.events.models import SubscriptionRow
from tests.audit_log import last_audit_event
from tests.world import World

ADMIN = "admin"


@pytest.mark.parametrize("user", ["sd", "lead", "dpo"])
def test_only_administrators_reach_the_administration(
    client: TestClient, world: World, engine: Engine, user: str
) -> None:
    response = client.get("/api/v1/admin/users", headers=world.as_user(user))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    event = last_audit_event(engine)
    assert (event.actor_name, event.outcome, event.operation) == (user, "denied", "admin.users.list")


def test_an_admin_creates_a_user_and_changes_roles_with_the_admin_named_in_the_log(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = {
        "username": "neu",
        "display_name": "Nora Neu",
        "institution_code": "T-RAV",
        "roles": ["caseworker"],
    }
    created = client.post("/api/v1/admin/users", json=body, headers=world.as_user(ADMIN))
    assert created.status_code == 201, created.text
    assert (last_audit_event(engine).actor_name, last_audit_event(engine).operation) == (
        ADMIN,
        "admin.users.create",
    )
    again = client.post("/api/v1/admin/users", json=body, headers=world.as_user(ADMIN))
    assert again.status_code == 422 and again.json()["detail"] == "Dieser Benutzername ist bereits vergeben."
    locked = client.patch("/api/v1/admin/users/neu", json={"active": False}, headers=world.as_user(ADMIN))
    assert locked.json()["active"] is False
    assert client.get("/api/v1/cases", headers=world.as_user("neu")).status_code == 401
    own = client.patch("/api/v1/admin/users/admin", json={"active": False}, headers=world.as_user(ADMIN))
    assert own.status_code == 422  # nobody locks themselves out of the administration


def test_a_client_secret_is_shown_once_and_stored_only_as_a_hash(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = {"client_id": "rav-system", "institution_code": "T-RAV", "auth_method": "client_secret_basic"}
    created = client.post("/api/v1/admin/clients", json=body, headers=world.as_user(ADMIN))
    assert created.status_code == 201, created.text
    secret = created.json()["client_secret"]
    listed = client.get("/api/v1/admin/clients", headers=world.as_user(ADMIN)).text
    assert secret not in listed and '"client_secret":' not in listed
    with make_session_factory(engine)() as session:
        stored = session.scalars(select(SystemClientRow.secret_hash)).one()
    assert stored is not None and secret not in stored
    disabled = client.post("/api/v1/admin/clients/rav-system/disable", headers=world.as_user(ADMIN))
    assert disabled.json()["enabled"] is False
    assert last_audit_event(engine).operation == "admin.clients.disable"


def test_private_key_material_is_refused_as_client_keys(client: TestClient, world: World) -> None:
    private = {"keys": [{"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "d": "geheim"}]}
    body = {
        "client_id": "iv-system",
        "institution_code": "T-IV",
        "auth_method": "private_key_jwt",
        "jwks": private,
    }
    refused = client.post("/api/v1/admin/clients", json=body, headers=world.as_user(ADMIN))
    assert refused.status_code == 422 and "private Schlüsselteile" in refused.json()["detail"]


@pytest.mark.parametrize(
    "url",
    ["http://rav.example/hook", "https://169.254.169.254/latest", "https://10.0.0.5/hook", "https://[::1]/h"],
)
def test_a_webhook_to_an_internal_or_plain_target_is_refused(
    client: TestClient, world: World, url: str
) -> None:
    body = {"institution_code": "T-RAV", "url": url}
    refused = client.post("/api/v1/admin/webhooks", json=body, headers=world.as_user(ADMIN))
    assert refused.status_code == 422, refused.text


def test_a_webhook_secret_is_shown_once_and_sealed(client: TestClient, world: World, engine: Engine) -> None:
    body = {"institution_code": "T-RAV", "url": "https://rav.example/hook"}
    created = client.post("/api/v1/admin/webhooks", json=body, headers=world.as_user(ADMIN))
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret not in client.get("/api/v1/admin/webhooks", headers=world.as_user(ADMIN)).text
    with make_session_factory(engine)() as session:
        sealed = session.scalars(select(SubscriptionRow.secret_sealed)).one()
    assert secret.encode() not in sealed
    ended = client.delete(f"/api/v1/admin/webhooks/{created.json()['id']}", headers=world.as_user(ADMIN))
    assert ended.json()["active"] is False
