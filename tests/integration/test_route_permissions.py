"""The permission table, enforced on every v1 operation of the route table, and real authentication.

Routes come from tests/integration/test_route_table.py (taken from the app's OpenAPI document), so a
new endpoint is covered here as soon as it has a sample call there.
"""

from __future__ import annotations

import uuid

import pytest

from app.domain.principal import Role
from app.domain.users import User
from tests.api_helpers import Api
from tests.audit_log import audit_count, last_audit_event
from tests.identity_helpers import AuthApp, bearer
from tests.integration.test_route_table import (
    ACCOUNT_ROUTES,
    DPO_ROUTES,
    ROUTES,
    SAMPLES,
    WITHOUT_PERSONAL_DATA,
    Target,
    _target,
    _url,
)
from tests.world import World

OFFICE_ROLES = {"office-dpo": Role.DPO, "office-admin": Role.ADMIN}
# The audit API is the DPO's own (tests/integration/test_audit_review_api.py covers who reaches it).
CASE_WORK_ROUTES = [route for route in ROUTES if route not in DPO_ROUTES | ACCOUNT_ROUTES]


@pytest.fixture(scope="module")
def shared_target(shared_api: Api) -> Target:
    """One case for every refused request of this module: a refusal changes nothing."""
    return _target(shared_api)


@pytest.fixture(scope="module")
def office_users(shared_api: Api) -> None:
    """A data-protection officer and an administrator of the Sozialdienst whose case it is."""
    with shared_api.client.app.state.container.uow_factory() as uow:  # type: ignore[attr-defined]
        for name, role in OFFICE_ROLES.items():
            uow.users.add(
                User(uuid.uuid4(), name, name.upper(), shared_api.world.sozialdienst.id, frozenset({role}))
            )


@pytest.mark.parametrize("username", sorted(OFFICE_ROLES))
@pytest.mark.parametrize(("method", "path"), CASE_WORK_ROUTES)
def test_dpo_and_admin_touch_no_case_data(
    shared_api: Api, shared_target: Target, office_users: None, username: str, method: str, path: str
) -> None:
    api, target = shared_api, shared_target
    engine = api.client.app.state.container.engine  # type: ignore[attr-defined]
    before = audit_count(engine)
    response = api.client.request(
        method,
        _url(path, target),
        headers=api.world.as_user(username, **{"If-Match": f'"{target.version}"'}),
        **SAMPLES[(method, path)](target),
    )
    if (method, path) in WITHOUT_PERSONAL_DATA:
        assert response.status_code == 200
        assert audit_count(engine) == before
        return
    assert response.status_code == 403, f"{method} {path}: {response.text}"
    assert response.json()["title"] == "Keine Berechtigung"
    assert audit_count(engine) == before + 1
    event = last_audit_event(engine)
    assert (event.outcome, event.actor_name) == ("denied", username)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_without_credentials_every_route_answers_401_with_a_challenge(
    shared_auth: tuple[AuthApp, World], method: str, path: str
) -> None:
    auth, world = shared_auth
    target = Target(str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()), 1, world)
    for headers in ({}, bearer("kein.echtes.token"), {"X-Cockpit-Dev-User": "sd"}):
        response = auth.client.request(
            method, _url(path, target), headers=headers, **SAMPLES[(method, path)](target)
        )
        assert response.status_code == 401, f"{method} {path}"
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith('Bearer realm="cockpit"')
