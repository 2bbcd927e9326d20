"""Every API operation's audit event carries the DSV Art. 4 facts: who (actor, institution, roles),
what kind of processing, when (UTC), which data (case, pseudonymous person, categories), for which
purpose, with which outcome and correlation id. The operations come from the app's route table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from app.domain.audit import AuditAction
from tests.api_helpers import Api
from tests.audit_log import audit_count, last_audit_event
from tests.integration.test_route_table import (
    ACCOUNT_ROUTES,
    ROUTES,
    SAMPLES,
    WITHOUT_PERSONAL_DATA,
    _url,
    prepared_target,
    user_of,
)

AUDITED = [route for route in ROUTES if route not in WITHOUT_PERSONAL_DATA]
# The kind of processing an operation is, by HTTP method; the audit API's own reads are reads and
# the access report is an export; consents and break-glass have actions of their own.
ACTIONS = {
    "GET": {AuditAction.READ, AuditAction.DISCLOSE},  # an export to an institution's system discloses
    "POST": {
        AuditAction.CREATE,
        AuditAction.CHANGE,
        AuditAction.READ,
        AuditAction.EXPORT,
        AuditAction.CONSENT_GRANT,
        AuditAction.CONSENT_REVOKE,
        AuditAction.BREAK_GLASS,
    },
    "PUT": {AuditAction.CHANGE},
    "PATCH": {AuditAction.CHANGE},
    "DELETE": {AuditAction.CHANGE, AuditAction.DELETE, AuditAction.LOGOUT},  # ending sessions is a logout
}
WITHOUT_CATEGORIES = {
    ("GET", "/api/v1/supervision/process"),  # counts per Sozialregion, no personal data
    ("GET", "/api/v1/figures"),  # steering figures: aggregates under small-cell protection
    ("GET", "/api/v1/figures/report.pdf"),
    ("PUT", "/api/v1/figures/regions/{institution_id}"),  # a region's DFF introduction date
    ("GET", "/api/v1/cases"),  # a list: one event without a single case
    ("POST", "/api/v1/persons/lookup"),  # the sample's number is unknown: a denial
    ("POST", "/api/v1/audit/events/search"),
    ("POST", "/api/v1/audit/anomalies"),
    ("POST", "/api/v1/cases/{case_id}/break-glass"),
    (
        "GET",
        "/api/v1/events",
    ),  # a page of change notices, possibly empty  # opens the case; the reads under it name categories
}


@pytest.mark.parametrize(("method", "path"), AUDITED)
def test_the_event_of_every_operation_holds_the_dsv_art_4_fields(
    api: Api, engine: Engine, method: str, path: str
) -> None:
    target, version = prepared_target(api, engine, method, path)
    user = api.world.users[user_of(method, path)]
    before = audit_count(engine)
    started = datetime.now(UTC)
    institution = str(api.world.rav.id) if path.endswith("{institution_id}") and method == "DELETE" else None
    response = api.client.request(
        method,
        _url(path, target, institution),
        headers=api.world.as_user(user.username, **{"If-Match": f'"{version}"'}),
        **SAMPLES[(method, path)](target),
    )
    assert response.status_code < 500
    assert audit_count(engine) == before + 1
    event = last_audit_event(engine)

    # who
    assert (event.actor_id, event.actor_kind, event.actor_name) == (user.id, "user", user.username)
    assert event.institution_id == user.institution_id
    assert sorted(event.roles) == sorted(r.value for r in user.roles)
    # what kind of processing, and how it ended
    assert AuditAction(event.action) in ACTIONS[method], f"{method} {path}: {event.action}"
    assert event.operation and event.reason
    assert event.outcome in ("allowed", "denied", "refused")
    # when
    assert event.occurred_at.utcoffset() == timedelta(0)
    assert started - timedelta(seconds=5) <= event.occurred_at <= datetime.now(UTC) + timedelta(seconds=5)
    # which data, about whom (pseudonymously), for which purpose
    if "{case_id}" in path:
        assert str(event.case_id) == target.case_id
    if "{case_id}" in path or "{person_id}" in path or (method, path) == ("POST", "/api/v1/cases"):
        assert event.person_id is not None
        uuid.UUID(str(event.person_id))
    if (method, path) == ("GET", "/api/v1/cases"):
        assert event.record_ids  # the cases listed
    # staff accounts, clients and subscriptions are no client data: their events name no category
    if (method, path) not in WITHOUT_CATEGORIES | ACCOUNT_ROUTES and event.outcome == "allowed":
        assert event.categories, f"{method} {path}: no data categories"
    assert event.purpose
    assert event.correlation_id == response.headers["X-Correlation-ID"]
