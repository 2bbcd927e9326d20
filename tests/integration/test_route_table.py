"""Every v1 operation, taken from the app's route table: authentication, the 404 gate, one audit event.

A new endpoint fails `test_every_route_has_a_sample` until it gets a sample call here, so it is
covered by the other tests automatically.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine

from app.entrypoints.api.app import create_app
from app.settings import Settings
from tests.api_helpers import Api, consent_body, days_ago, new_ahvn13
from tests.audit_log import audit_count, last_audit_event


@dataclass
class Target:
    """Ids a sample call may refer to; a fresh case with a goal, a measure and the RAV on board."""

    case_id: str
    person_id: str
    goal_id: str
    measure_id: str
    version: int
    world: Any
    consent_id: str = ""
    event_id: str = "00000000-0000-0000-0000-000000000000"  # a sealed audit event, for the proofs
    document_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_id: str = "kein-client"  # the administration's samples: a registered client, a subscription
    subscription_id: str = "00000000-0000-0000-0000-000000000000"
    invitation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    conference_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    item_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    referral_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def _target(api: Api) -> Target:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    body = api.ok(case["id"], "plan/goals", {"title": "Ziel"})
    goal_id = body["integrationsplan"]["goals"][0]["id"]
    body = api.ok(case["id"], "plan/measures", {"title": "Kurs", "kind": "course", "goal_id": goal_id})
    api.ok(case["id"], "segment", {"segment": "V", "assessed_on": days_ago(30)})
    consent = api.grant_consent(case["id"], [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    body = api.get_case(case["id"]).json()
    document = api.client.post(
        f"/api/v1/cases/{case['id']}/documents", headers=api.headers("sd"), **SAMPLES[DOCUMENT_UPLOAD](None)
    ).json()
    return Target(
        case["id"],
        case["person_id"],
        goal_id,
        body["integrationsplan"]["measures"][0]["id"],
        body["version"],
        api.world,
        consent_id=consent["id"],
        document_id=document["id"],
    )


Sample = Callable[[Target], dict[str, Any]]
SAMPLE_JWKS = {
    "keys": [
        {
            "kty": "EC",
            "crv": "P-256",
            "kid": "k1",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        }
    ]
}
DOCUMENT_UPLOAD = ("POST", "/api/v1/cases/{case_id}/documents")
SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/api/v1/institutions"): lambda t: {},
    ("POST", "/api/v1/persons"): lambda t: {
        "json": {
            "ahvn13": new_ahvn13(),
            "family_name": "Roth",
            "given_name": "Eva",
            "birth_date": "1990-01-01",
        }
    },
    ("POST", "/api/v1/persons/lookup"): lambda t: {"json": {"ahvn13": new_ahvn13()}},
    ("GET", "/api/v1/persons/{person_id}"): lambda t: {},
    ("PATCH", "/api/v1/persons/{person_id}"): lambda t: {"json": {"given_name": "Eva"}},
    ("POST", "/api/v1/cases"): lambda t: {
        "json": {"person_id": t.person_id, "local_reference": "R", "opened_on": days_ago(1)}
    },
    ("GET", "/api/v1/cases"): lambda t: {},
    ("GET", "/api/v1/cases/{case_id}"): lambda t: {},
    ("PATCH", "/api/v1/cases/{case_id}"): lambda t: {"json": {"reassessment_interval_months": 5}},
    ("POST", "/api/v1/cases/{case_id}/activation"): lambda t: {"json": {}},
    ("POST", "/api/v1/cases/{case_id}/archive"): lambda t: {"json": {}},
    ("POST", "/api/v1/cases/{case_id}/participants"): lambda t: {
        "json": {"institution_id": str(t.world.iv.id), "local_reference": "IV-1"}
    },
    ("PATCH", "/api/v1/cases/{case_id}/participants/{institution_id}"): lambda t: {
        "json": {"local_reference": "N"}
    },
    ("DELETE", "/api/v1/cases/{case_id}/participants/{institution_id}"): lambda t: {},
    ("PUT", "/api/v1/cases/{case_id}/lead"): lambda t: {
        "json": {"institution_id": str(t.world.rav.id), "note": "Stellensuche im Vordergrund"}
    },
    ("POST", "/api/v1/cases/{case_id}/lead-handover"): lambda t: {
        "json": {"institution_id": str(t.world.rav.id), "note": "Stellensuche im Vordergrund"}
    },
    ("POST", "/api/v1/cases/{case_id}/invitations"): lambda t: {
        "json": {"institution_id": str(t.world.iv.id)}
    },
    ("DELETE", "/api/v1/cases/{case_id}/invitations/{invitation_id}"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/accept"): lambda t: {
        "json": {"local_reference": "IV-7"}
    },
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/decline"): lambda t: {
        "json": {"reason": "Keine Zuständigkeit"}
    },
    ("POST", "/api/v1/cases/{case_id}/intake-steps"): lambda t: {
        "json": {"step": "need", "outcome": "in_need"}
    },
    ("POST", "/api/v1/cases/{case_id}/cooperation"): lambda t: {
        "json": {"form": "oral", "agreed_goal_ids": [t.goal_id]}
    },
    ("POST", "/api/v1/cases/{case_id}/conferences/scheduled"): lambda t: {
        "json": {"planned_on": days_ago(-7), "invited_institution_ids": [str(t.world.rav.id)]}
    },
    ("POST", "/api/v1/cases/{case_id}/conferences/{conference_id}/minutes"): lambda t: {
        "json": {"decisions": "RAV übernimmt die Stellensuche"}
    },
    ("POST", "/api/v1/cases/{case_id}/action-items/{item_id}/done"): lambda t: {"json": {}},
    ("GET", "/api/v1/pendenzen"): lambda t: {},
    ("GET", "/api/v1/supervision/process"): lambda t: {},
    ("GET", "/api/v1/referrals"): lambda t: {},
    ("POST", "/api/v1/referrals"): lambda t: {
        "json": {
            "person_id": t.person_id,
            "region_institution_id": str(t.world.other_sozialdienst.id),
            "reason": "IIZ",
        }
    },
    ("GET", "/api/v1/referrals/{referral_id}"): lambda t: {},
    ("POST", "/api/v1/referrals/{referral_id}/meeting"): lambda t: {"json": {"meeting_on": days_ago(0)}},
    ("POST", "/api/v1/referrals/{referral_id}/decision"): lambda t: {
        "json": {"outcome": "declined", "reason": "Kein Bedarf"}
    },
    ("POST", "/api/v1/referrals/{referral_id}/clearing"): lambda t: {},
    ("POST", "/api/v1/referrals/{referral_id}/clearing/decision"): lambda t: {
        "json": {"outcome": "declined", "reason": "Entscheid bestätigt"}
    },
    ("POST", "/api/v1/cases/{case_id}/segment"): lambda t: {"json": {"segment": "V"}},
    ("POST", "/api/v1/cases/{case_id}/plan/goals"): lambda t: {"json": {"title": "Noch ein Ziel"}},
    ("PATCH", "/api/v1/cases/{case_id}/plan/goals/{goal_id}"): lambda t: {"json": {"status": "achieved"}},
    ("POST", "/api/v1/cases/{case_id}/plan/measures"): lambda t: {
        "json": {"title": "Coaching", "kind": "job_coaching"}
    },
    ("PATCH", "/api/v1/cases/{case_id}/plan/measures/{measure_id}"): lambda t: {
        "json": {"provider": "Regiomech"}
    },
    ("POST", "/api/v1/cases/{case_id}/assessments"): lambda t: {
        "json": {"kind": "praxisassessment", "assessed_on": days_ago(2), "findings": "belastbar"}
    },
    ("POST", "/api/v1/cases/{case_id}/reviews"): lambda t: {
        "json": {"held_on": days_ago(1), "summary": "gut"}
    },
    ("POST", "/api/v1/cases/{case_id}/conferences"): lambda t: {
        "json": {
            "held_on": days_ago(1),
            "participant_institution_ids": [str(t.world.sozialdienst.id)],
            "decisions": "weiter",
        }
    },
    ("POST", "/api/v1/cases/{case_id}/journal"): lambda t: {
        "json": {"category": "fallfuehrung", "text": "Notiz"}
    },
    ("POST", "/api/v1/cases/{case_id}/closure"): lambda t: {"json": {"reason": "erwerbsarbeit"}},
    ("GET", "/api/v1/cases/{case_id}/figure-facts"): lambda t: {},
    ("PUT", "/api/v1/cases/{case_id}/figure-facts"): lambda t: {"json": {"preventive": True}},
    ("GET", "/api/v1/figures"): lambda t: {"params": {"period_start": "2020-01-01"}},
    ("GET", "/api/v1/figures/report.pdf"): lambda t: {"params": {"period_start": "2020-01-01"}},
    ("GET", "/api/v1/figures/definitions"): lambda t: {},
    ("PUT", "/api/v1/figures/regions/{institution_id}"): lambda t: {
        "json": {"dff_introduced_on": "2026-01-01"}
    },
    ("POST", "/api/v1/cases/{case_id}/follow-up"): lambda t: {"json": {}},
    ("POST", "/api/v1/cases/{case_id}/follow-up/result"): lambda t: {
        "json": {"result": "sustainable", "early_end": "wegzug"}
    },
    ("GET", "/api/v1/cases/{case_id}/consents"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/consents"): lambda t: {
        "json": consent_body(t.world, [(t.world.rav.id, t.world.sozialdienst.id)], ["arbeitsmarkt"])
    },
    ("GET", "/api/v1/cases/{case_id}/consents/{consent_id}"): lambda t: {},
    ("GET", "/api/v1/cases/{case_id}/consents/{consent_id}/history"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/consents/{consent_id}/confirmation"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/plan/measures/{measure_id}/acceptance"): lambda t: {},
    ("GET", "/api/v1/consents/awaiting-confirmation"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/consents/{consent_id}/revocation"): lambda t: {
        "json": {"reason": "Am Telefon widerrufen."}
    },
    ("GET", "/api/v1/cases/{case_id}/assignments"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/assignments"): lambda t: {
        "json": {"user_id": str(t.world.users["sd-colleague"].id)}
    },
    ("DELETE", "/api/v1/cases/{case_id}/assignments/{user_id}"): lambda t: {},
    ("POST", "/api/v1/cases/{case_id}/break-glass"): lambda t: {
        "json": {"reason": "Klient meldet akute Notlage, Sozialdienst braucht sofort den Stand der IV."}
    },
    ("POST", "/api/v1/audit/events/search"): lambda t: {"json": {"person_id": t.person_id}},
    ("POST", "/api/v1/audit/anomalies"): lambda t: {
        "json": {"occurred_from": "2020-01-01T00:00:00Z", "occurred_to": "2100-01-01T00:00:00Z"}
    },
    ("POST", "/api/v1/audit/access-reports"): lambda t: {"json": {"person_id": t.person_id}},
    ("GET", "/api/v1/audit/checkpoints"): lambda t: {},
    ("GET", "/api/v1/audit/checkpoints/latest"): lambda t: {},
    ("GET", "/api/v1/audit/public-key"): lambda t: {},
    ("GET", "/api/v1/audit/proofs/inclusion"): lambda t: {"params": {"event_id": t.event_id}},
    ("GET", "/api/v1/audit/proofs/consistency"): lambda t: {"params": {"first": 1, "second": 2}},
    ("GET", "/api/v1/cases/{case_id}/documents"): lambda t: {},
    DOCUMENT_UPLOAD: lambda t: {
        "params": {"category": "fallfuehrung", "filename": "protokoll.pdf"},
        "content": b"%PDF-1.4 Protokoll",
    },
    ("GET", "/api/v1/cases/{case_id}/documents/{document_id}"): lambda t: {},
    ("GET", "/api/v1/events"): lambda t: {},
    ("GET", "/api/v1/persons/{person_id}/dossier-holders"): lambda t: {},
    ("GET", "/api/v1/exchange/{kind}/cases/{case_id}"): lambda t: {},
    ("POST", "/api/v1/exchange/{kind}/imports"): lambda t: {
        "content": (
            "Dossiernummer;AHV-Nummer;Name;Vorname;Geburtsdatum;Eröffnet am\n"
            f"SD-1;{new_ahvn13()};Roth;Eva;01.01.1990;01.01.2026\n"
        ).encode()
    },
    # looking after accounts: the caseworker "sd" is the account
    ("POST", "/api/v1/admin/accounts/{username}/unlock"): lambda t: {},
    ("GET", "/api/v1/admin/accounts/{username}/sessions"): lambda t: {},
    ("DELETE", "/api/v1/admin/accounts/{username}/sessions"): lambda t: {},
    ("GET", "/api/v1/me/sessions"): lambda t: {},
    ("DELETE", "/api/v1/me/sessions"): lambda t: {},
    # administration
    ("GET", "/api/v1/admin/users"): lambda t: {},
    ("POST", "/api/v1/admin/users"): lambda t: {
        "json": {
            "username": f"neu-{uuid.uuid4().hex[:8]}",
            "display_name": "Neue Mitarbeiterin",
            "institution_code": "T-RAV",
            "roles": ["caseworker"],
        }
    },
    ("PATCH", "/api/v1/admin/users/{username}"): lambda t: {"json": {"roles": ["caseworker", "supervisor"]}},
    ("GET", "/api/v1/admin/clients"): lambda t: {},
    ("POST", "/api/v1/admin/clients"): lambda t: {
        "json": {
            "client_id": f"sys-{uuid.uuid4().hex[:8]}",
            "institution_code": "T-RAV",
            "auth_method": "client_secret_basic",
        }
    },
    ("PUT", "/api/v1/admin/clients/{client_id}/keys"): lambda t: {"json": {"jwks": SAMPLE_JWKS}},
    ("POST", "/api/v1/admin/clients/{client_id}/disable"): lambda t: {},
    ("GET", "/api/v1/admin/webhooks"): lambda t: {},
    ("POST", "/api/v1/admin/webhooks"): lambda t: {
        "json": {"institution_code": "T-RAV", "url": "https://rav.example/hook"}
    },
    ("DELETE", "/api/v1/admin/webhooks/{subscription_id}"): lambda t: {},
}
# Operations only a supervisor may call; the success test acts as the Sozialdienst's supervisor.
SUPERVISOR_ONLY = {
    ("POST", "/api/v1/cases/{case_id}/assignments"),
    ("DELETE", "/api/v1/cases/{case_id}/assignments/{user_id}"),
    ("POST", "/api/v1/cases/{case_id}/break-glass"),
    ("POST", "/api/v1/admin/accounts/{username}/unlock"),
    ("GET", "/api/v1/admin/accounts/{username}/sessions"),
    ("DELETE", "/api/v1/admin/accounts/{username}/sessions"),
}
# Operations that only make sense after another one; the sample for the success test runs these first.
PREPARE: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {
    ("POST", "/api/v1/cases/{case_id}/archive"): [("closure", {"reason": "wegzug"})],
    ("POST", "/api/v1/cases/{case_id}/activation"): [
        ("intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    ],
    ("POST", "/api/v1/cases/{case_id}/follow-up"): [("closure", {"reason": "erwerbsarbeit"})],
    ("POST", "/api/v1/cases/{case_id}/follow-up/result"): [("closure", {"reason": "erwerbsarbeit"})],
    ("DELETE", "/api/v1/cases/{case_id}/invitations/{invitation_id}"): [
        ("invitations", {"institution_id": "{iv}"})
    ],
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/accept"): [
        ("invitations", {"institution_id": "{iv}"})
    ],
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/decline"): [
        ("invitations", {"institution_id": "{iv}"})
    ],
    ("POST", "/api/v1/cases/{case_id}/conferences/{conference_id}/minutes"): [
        ("conferences/scheduled", {"planned_on": days_ago(0), "invited_institution_ids": ["{rav}"]})
    ],
    ("POST", "/api/v1/cases/{case_id}/action-items/{item_id}/done"): [
        ("conferences/scheduled", {"planned_on": days_ago(0), "invited_institution_ids": ["{rav}"]}),
        (
            "conferences/{conference_id}/minutes",
            {
                "decisions": "Sozialdienst klärt Budget",
                "action_items": [
                    {"title": "Budget", "owner_institution_id": "{sd}", "due_on": days_ago(-14)}
                ],
            },
        ),
    ],
}
# Operations the invited institution calls (its supervisor accepts for it).
INVITED_ONLY = {
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/accept"),
    ("POST", "/api/v1/cases/{case_id}/invitations/{invitation_id}/decline"),
}


# Operations that touch no personal data and therefore leave no audit event.
WITHOUT_PERSONAL_DATA = {
    ("GET", "/api/v1/institutions"),
    ("GET", "/api/v1/figures/definitions"),  # the indicators' definitions: text, no data
    # witness material: hashes and signatures only
    ("GET", "/api/v1/audit/checkpoints"),
    ("GET", "/api/v1/audit/checkpoints/latest"),
    ("GET", "/api/v1/audit/public-key"),
    ("GET", "/api/v1/audit/proofs/inclusion"),
    ("GET", "/api/v1/audit/proofs/consistency"),
}
# Operations of the data-protection officer; everything else is called as the caseworker "sd".
DPO_ROUTES = {route for route in SAMPLES if route[1].startswith("/api/v1/audit/")}
# Operations of the Kantonale Steuerung (figures only).
STEERING_ROUTES = {
    ("GET", "/api/v1/figures"),
    ("GET", "/api/v1/figures/report.pdf"),
    ("PUT", "/api/v1/figures/regions/{institution_id}"),
}
# Looking after accounts and administration (tests/integration/test_accounts_api.py and
# test_admin_api.py cover who reaches them).
ACCOUNT_ROUTES = {route for route in SAMPLES if route[1].startswith(("/api/v1/admin/", "/api/v1/me/"))}
ADMIN_ROUTES = {
    route for route in ACCOUNT_ROUTES if not route[1].startswith(("/api/v1/admin/accounts/", "/api/v1/me/"))
}


def user_of(method: str, path: str) -> str:
    """Who calls an operation in the success test: the DPO, the Sozialdienst's supervisor or caseworker."""
    if (method, path) in DPO_ROUTES:
        return "dpo"
    if (method, path) in STEERING_ROUTES:
        return "ags"
    if (method, path) in ADMIN_ROUTES:
        return "admin"
    if (method, path) in INVITED_ONLY:
        return "iv-lead"
    if path.startswith("/api/v1/supervision/") or path.endswith("/clearing/decision"):
        return "ags-cm"
    if path.endswith(("/meeting", "/decision")) and "{referral_id}" in path:
        return "olten"  # the case-management body of the referral's region
    return "lead" if (method, path) in SUPERVISOR_ONLY else "sd"


def run_prepare_steps(api: Api, target: Target, method: str, path: str) -> None:
    """The steps an operation needs before it can succeed (PREPARE), with the ids they create."""
    for step, body in PREPARE.get((method, path), []):
        api.ok(target.case_id, step.format(conference_id=target.conference_id), _filled(body, target))
        _remember_process_ids(api, target)


def prepared_target(api: Api, engine: Engine, method: str, path: str) -> tuple[Target, int]:
    """A target ready for a successful call of the operation, and the version its If-Match names."""
    target = _target(api)
    if path == "/api/v1/cases":
        target.person_id = api.register_person("sd")["id"]
    run_prepare_steps(api, target, method, path)
    if path.endswith("/acceptance"):  # the RAV proposes a measure to the Sozialdienst
        proposal = {
            "title": "Budgetberatung",
            "kind": "other",
            "owner_institution_id": str(api.world.sozialdienst.id),
        }
        measures = api.ok(target.case_id, "plan/measures", proposal, "rav")["integrationsplan"]["measures"]
        target.measure_id = next(m["id"] for m in measures if m.get("proposed_to"))
    if path.endswith("/confirmation"):  # the RAV records a release of the Sozialdienst's data
        flows = [(api.world.sozialdienst.id, api.world.rav.id)]
        target.consent_id = api.grant_consent(target.case_id, flows, ["integrationsplan"], "rav")["id"]
    if "{referral_id}" in path:
        target.referral_id = _referral(api, target, path)
    version = api.get_case(target.case_id).json()["version"]
    if "{person_id}" in path:
        version = api.client.get(_url(path, target), headers=api.headers("sd")).json().get("version", version)
    if "{consent_id}" in path:
        consent_url = f"/api/v1/cases/{target.case_id}/consents/{target.consent_id}"
        version = api.client.get(consent_url, headers=api.headers("sd")).json()["version"]
    api.client.app.state.audit_ledger.checkpoint()  # type: ignore[attr-defined]  # the sequencer's turn
    target.event_id = sealed_event_id(engine)
    if "{client_id}" in path or "{subscription_id}" in path:
        _administered(api, target)
    return target, version


def _administered(api: Api, target: Target) -> None:
    """A private_key_jwt client and a webhook subscription for the administration's samples."""
    from datetime import UTC, datetime

    from app.domain.identity import ClientAuthMethod
    from app.services.identity.clients import create_client

    container = api.client.app.state.container  # type: ignore[attr-defined]
    target.client_id = f"sys-{uuid.uuid4().hex[:8]}"
    create_client(
        container.uow_factory(),
        client_id=target.client_id,
        institution_code="T-RAV",
        auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
        now=datetime.now(UTC),
        jwks=SAMPLE_JWKS,
    )
    with container.uow_factory() as uow:
        rav = uow.institutions.by_code("T-RAV")
        target.subscription_id = str(
            uow.subscriptions.add(rav.id, "https://rav.example/h", "s", datetime.now(UTC)).id
        )


def _referral(api: Api, target: Target, path: str) -> str:
    """A referral by the Sozialdienst to Olten's body; declined and at the clearing body as the path needs."""
    body = {
        "person_id": target.person_id,
        "region_institution_id": str(target.world.other_sozialdienst.id),
        "reason": "IIZ",
    }
    referral = api.client.post("/api/v1/referrals", json=body, headers=api.headers("sd")).json()["id"]
    steps = []
    if path.endswith(("/clearing", "/clearing/decision")):
        steps.append(("decision", {"outcome": "declined", "reason": "Kein Bedarf"}, "olten"))
    if path.endswith("/clearing/decision"):
        steps.append(("clearing", {}, "sd"))
    for step, payload, user in steps:
        done = api.client.post(
            f"/api/v1/referrals/{referral}/{step}", json=payload, headers=api.headers(user)
        )
        assert done.status_code == 200, done.text
    return str(referral)


def _filled(body: Any, target: Target) -> Any:
    """A PREPARE body with "{iv}", "{rav}", "{sd}" replaced by the institutions' ids."""
    world = target.world
    ids = {"{iv}": str(world.iv.id), "{rav}": str(world.rav.id), "{sd}": str(world.sozialdienst.id)}
    if isinstance(body, dict):
        return {key: _filled(value, target) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(value, target) for value in body]
    return ids.get(body, body) if isinstance(body, str) else body


def _remember_process_ids(api: Api, target: Target) -> None:
    core = api.get_case(target.case_id).json()["fallfuehrung"]
    pending = [i for i in core.get("invitations", []) if i["status"] == "pending"]
    if pending:
        target.invitation_id = pending[0]["id"]
    if core.get("conferences"):
        conference = core["conferences"][-1]
        target.conference_id = conference["id"]
        if conference.get("action_items"):
            target.item_id = conference["action_items"][0]["id"]


def sealed_event_id(engine: Engine) -> str:
    return str(last_audit_event(engine).id)


def _v1_routes() -> list[tuple[str, str]]:
    """The app's operations, read from the OpenAPI document the app builds from its route table."""
    document = create_app(Settings(environment="test", database_url="sqlite://")).openapi()
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1")
        for method in operations
    )


ROUTES = _v1_routes()
CASE_ROUTES = [r for r in ROUTES if "{case_id}" in r[1]]


def _url(path: str, target: Target, institution_id: str | None = None) -> str:
    return path.format(
        case_id=target.case_id,
        person_id=target.person_id,
        goal_id=target.goal_id,
        measure_id=target.measure_id,
        institution_id=institution_id or str(target.world.sozialdienst.id),
        consent_id=target.consent_id or str(uuid.uuid4()),
        user_id=str(target.world.users["sd"].id),
        document_id=target.document_id,
        invitation_id=target.invitation_id,
        conference_id=target.conference_id,
        item_id=target.item_id,
        referral_id=target.referral_id,
        kind="sozialdienst",  # the exchange format of the acting users' institution
        username="sd",
        client_id=target.client_id,
        subscription_id=target.subscription_id,
    )


def test_every_route_has_a_sample() -> None:
    missing = [f"{m} {p}" for m, p in ROUTES if (m, p) not in SAMPLES]
    assert not missing, f"Routen ohne Beispielaufruf in SAMPLES: {missing}"
    print(f"{len(ROUTES)} v1-Operationen, davon {len(CASE_ROUTES)} fallbezogen")


@pytest.fixture(scope="module")
def shared_target(shared_api: Api) -> Target:
    """One case for the refusal tests of this module: a refused request changes nothing."""
    return _target(shared_api)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_unknown_principal_is_refused_with_401(shared_api: Api, method: str, path: str) -> None:
    api = shared_api
    target = Target(str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()), 1, api.world)
    response = api.client.request(
        method, _url(path, target), headers=api.world.as_user("niemand"), **SAMPLES[(method, path)](target)
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
def test_case_route_answers_404_to_a_non_participant_and_records_the_denial(
    shared_api: Api, shared_target: Target, method: str, path: str
) -> None:
    api, target = shared_api, shared_target
    engine = api.client.app.state.container.engine  # type: ignore[attr-defined]
    before = audit_count(engine)
    # A supervisor of another institution: every permission of case work, no relation to this case.
    headers = api.world.as_user("olten-lead", **{"If-Match": f'"{target.version}"'})
    hidden = api.client.request(
        method, _url(path, target), headers=headers, **SAMPLES[(method, path)](target)
    )
    assert hidden.status_code == 404, hidden.text
    assert audit_count(engine) == before + 1
    event = last_audit_event(engine)
    assert (event.outcome, event.actor_name, str(event.case_id)) == ("denied", "olten-lead", target.case_id)

    missing = dataclasses.replace(target, case_id=str(uuid.uuid4()), version=1)
    absent = api.client.request(
        method, _url(path, missing), headers=headers, **SAMPLES[(method, path)](missing)
    )
    assert absent.status_code == 404
    assert hidden.json() == absent.json()


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_successful_operation_writes_exactly_one_audit_event(
    api: Api, engine: Engine, method: str, path: str
) -> None:
    target, version = prepared_target(api, engine, method, path)
    before = audit_count(engine)
    institution = str(api.world.rav.id) if path.endswith("{institution_id}") and method == "DELETE" else None
    actor = user_of(method, path)
    response = api.client.request(
        method,
        _url(path, target, institution),
        headers=api.world.as_user(actor, **{"If-Match": f'"{version}"'}),
        **SAMPLES[(method, path)](target),
    )
    if path == "/api/v1/persons/lookup":
        assert response.status_code == 404  # an unknown number: the denial is audited too
    else:
        assert response.status_code in (200, 201, 204), f"{method} {path}: {response.text}"
    if (method, path) in WITHOUT_PERSONAL_DATA:
        assert audit_count(engine) == before
        return
    assert audit_count(engine) == before + 1, f"{method} {path}"
    event = last_audit_event(engine)
    assert event.actor_name == actor
    assert event.correlation_id == response.headers["X-Correlation-ID"]
    assert event.operation
