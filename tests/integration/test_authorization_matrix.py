"""The authorization matrix over HTTP: every v1 operation from the app's route table (OpenAPI) ×
principal kind × a few (relation to the case, consent state) scenarios. Per cell: the status, the
categories a case response carries, no text of withheld data anywhere in the body, and exactly one
audit event for the request.

Every relation × consent state runs on the services with in-memory fakes
(tests/unit/test_access_matrix.py, milliseconds per cell); here three scenarios check that the
HTTP layer keeps the same answers on both databases.

A new endpoint enters the matrix by itself (it needs a sample call in test_route_table.SAMPLES,
which that module enforces). The test prints how many cells it checked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from app.bootstrap import Container
from app.domain.categories import DataCategory
from app.domain.principal import Principal
from tests.acting import request_as, system_client, user_principal
from tests.api_helpers import Api, client_with, days_ago, new_ahvn13
from tests.audit_log import audit_count
from tests.integration.test_route_table import (
    ACCOUNT_ROUTES,
    DPO_ROUTES,
    ROUTES,
    SAMPLES,
    STEERING_ROUTES,
    WITHOUT_PERSONAL_DATA,
    Target,
)
from tests.world import World

pytestmark = pytest.mark.integration

# The HTTP shape on one scenario per kind of answer: consented, revoked, no longer participating.
SCENARIOS = (("participant", "active"), ("participant", "revoked"), ("former", "active"))
PRINCIPALS = ("assigned", "not_assigned", "supervisor", "system", "dpo", "other")
# Who may reach the use case behind a route, when the case is theirs to open.
SUPERVISOR_ONLY = {
    ("POST", "/api/v1/cases/{case_id}/assignments"),
    ("DELETE", "/api/v1/cases/{case_id}/assignments/{user_id}"),
}
BREAK_GLASS = ("POST", "/api/v1/cases/{case_id}/break-glass")
# Operations whose use case itself answers 403 to a participant (Stammdaten: registering or lead only).
USE_CASE_FORBIDS = {("PATCH", "/api/v1/persons/{person_id}")}
CORE = ["stammdaten", "fallfuehrung"]
# Accounts and administration concern no case (test_accounts_api.py, test_admin_api.py cover them).
MATRIX_ROUTES = [r for r in ROUTES if r not in WITHOUT_PERSONAL_DATA | ACCOUNT_ROUTES]

MARK_SOZIALHILFE = "MARKE-SOZIALHILFE-SD"
MARK_POTENZIAL = "MARKE-POTENZIAL-SD"
MARK_PLAN = "MARKE-PLAN-SD"


class SettableClock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


@dataclass
class Scenario:
    relation: str
    consent_state: str
    target: Target
    ahvn13: str
    family_name: str
    consent_id: str | None
    released: set[str] = field(default_factory=set)  # categories of the Sozialdienst the RAV may see


def _build(api: Api, clock: SettableClock, relation: str, consent_state: str, serial: int) -> Scenario:
    world = api.world
    clock.current = datetime.now(UTC)
    ahvn13, family_name = new_ahvn13(), f"Matrixfall{serial}"
    person = api.register_person("sd", ahvn13=ahvn13, family_name=family_name)
    case = api.client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "local_reference": f"M-{serial}", "opened_on": days_ago(200)},
        headers=api.headers("sd"),
    ).json()
    case_id = case["id"]
    api.add_participant(case_id, world.rav.id)  # rav-lead assigns "rav"; "rav-colleague" stays unassigned
    goal = api.ok(case_id, "plan/goals", {"title": MARK_PLAN})["integrationsplan"]["goals"][0]["id"]
    api.ok(case_id, "plan/measures", {"title": "Kurs", "kind": "course", "goal_id": goal})
    api.ok(
        case_id,
        "assessments",
        {"kind": "kurzassessment", "assessed_on": days_ago(100), "findings": MARK_POTENZIAL},
    )
    api.ok(case_id, "journal", {"category": "sozialhilfe", "text": MARK_SOZIALHILFE})
    body = api.get_case(case_id).json()
    measure = body["integrationsplan"]["measures"][0]["id"]

    sd, rav = world.sozialdienst.id, world.rav.id
    consent_id, released = None, set()
    if consent_state in ("active", "revoked", "expired"):
        extra = (
            {"valid_until": (clock.current + timedelta(days=1)).isoformat()}
            if consent_state == "expired"
            else {}
        )
        consent_id = api.grant_consent(case_id, [(sd, rav)], ["potenzial"], **extra)["id"]
        released = {"potenzial"} if consent_state == "active" else set()
    elif consent_state == "other_category":
        consent_id = api.grant_consent(case_id, [(sd, rav)], ["integrationsplan"])["id"]
        released = {"integrationsplan"}
    elif consent_state == "other_direction":
        consent_id = api.grant_consent(case_id, [(rav, sd)], ["potenzial"])["id"]
    if consent_state == "revoked":
        api.ok(case_id, f"consents/{consent_id}/revocation", {"reason": "Am Schalter widerrufen."})
    if consent_state == "expired":
        clock.current += timedelta(days=2)
    if relation == "former":
        version = api.get_case(case_id).json()["version"]
        left = api.client.delete(
            f"/api/v1/cases/{case_id}/participants/{rav}", headers=api.headers("sd", f'"{version}"')
        )
        assert left.status_code == 200, left.text
        released = set()
    document = api.client.post(
        f"/api/v1/cases/{case_id}/documents",
        params={"category": "fallfuehrung", "filename": "protokoll.pdf"},
        content=b"%PDF-1.4 Protokoll",
        headers=api.headers("sd"),
    )
    assert document.status_code == 201, document.text
    version = api.get_case(case_id).json()["version"]
    target = Target(
        case_id,
        person["id"],
        goal,
        measure,
        version,
        world,
        consent_id or "",
        document_id=document.json()["id"],
    )
    return Scenario(relation, consent_state, target, ahvn13, family_name, consent_id, released)


def _principals(world: World) -> dict[str, Principal]:
    return {
        "assigned": user_principal(world.users["rav"]),
        "not_assigned": user_principal(world.users["rav-colleague"]),
        "supervisor": user_principal(world.users["rav-lead"]),
        "system": system_client(world.rav.id, "rav-system"),
        "dpo": user_principal(world.users["dpo"]),
        "other": user_principal(world.users["olten-lead"]),
    }


def _may_open(who: str, scenario: Scenario) -> bool:
    return scenario.relation == "participant" and who in ("assigned", "supervisor", "system")


def _expected_status(route: tuple[str, str], who: str, scenario: Scenario) -> set[int] | None:
    """The exact statuses allowed; None: any status of the use case itself (not 401/403/404)."""
    method, path = route
    if route in DPO_ROUTES:
        return {200} if who == "dpo" else {403}  # audit review: the data-protection officer only
    if route in STEERING_ROUTES:
        return {403}  # steering figures: the Kantonale Steuerung only
    if who == "dpo":
        return {403, 404}  # no permission for case work; persons are simply not found
    if route == BREAK_GLASS:
        if who in ("assigned", "not_assigned", "system"):
            return {403}
        return {201} if who == "supervisor" else {404}  # scope: the own institution's cases, also left ones
    if route in SUPERVISOR_ONLY and who != "supervisor" and who != "other":
        return {403}
    if path == "/api/v1/persons":
        return {201}  # a new person, related to nothing
    if path == "/api/v1/events":
        return {200}  # notices of the cases the caller may open (none, for some)
    if "{kind}" in path:  # the RAV's exchange format (the URLs name it)
        if who == "other":
            return {403}  # a Sozialdienst may not use the RAV's format
        if method == "POST":
            return None  # an import into the caller's own institution: per-record results
    if path == "/api/v1/cases" and method == "GET":
        return {200}
    if path == "/api/v1/consents/awaiting-confirmation":
        return {200}  # what waits for the caller's institution, of the cases it may open
    if path in ("/api/v1/pendenzen", "/api/v1/referrals") and method == "GET":
        return {200}  # the caller's own lists (empty for some)
    if path.startswith("/api/v1/supervision/"):
        return {403}  # the AGS only
    if "{referral_id}" in path:
        return {404}  # a referral the caller is not involved in does not exist for it
    if not _may_open(who, scenario):
        return {404}
    if path.endswith("/figure-facts") and method == "GET":
        return {403}  # the facts recorded for the figures: the lead institution only
    if "{consent_id}" in path and scenario.consent_id is None:
        return {404}  # the case is open to the caller; the consent does not exist
    if method == "GET" or path == "/api/v1/persons/lookup":
        return {200}
    return None


def _sample(route: tuple[str, str], scenario: Scenario) -> dict[str, Any]:
    if route == ("POST", "/api/v1/persons/lookup"):
        return {"json": {"ahvn13": scenario.ahvn13}}
    return SAMPLES[route](scenario.target)


def _url(path: str, scenario: Scenario) -> str:
    t, world = scenario.target, scenario.target.world
    return path.format(
        case_id=t.case_id,
        person_id=t.person_id,
        goal_id=t.goal_id,
        measure_id=t.measure_id,
        institution_id=str(world.sozialdienst.id),
        consent_id=t.consent_id or str(uuid.uuid4()),
        user_id=str(world.users["rav"].id),
        document_id=t.document_id,
        invitation_id=t.invitation_id,
        conference_id=t.conference_id,
        item_id=t.item_id,
        referral_id=t.referral_id,
        kind="rav",
    )


NOT_FOUND_DETAILS = {
    "Der Fall wurde nicht gefunden.",
    "Die Person wurde nicht gefunden.",
    "Das Dokument wurde nicht gefunden.",  # the same for a document, a case or neither being there
    "Die Zuweisung wurde nicht gefunden.",  # the same for a referral missing or of others
}


def _check_cell(
    response: Any, route: tuple[str, str], who: str, scenario: Scenario, audited: int
) -> list[str]:
    method, path = route
    problems = []
    expected = _expected_status(route, who, scenario)
    status = response.status_code
    if expected is None:
        if status == 403 and route in USE_CASE_FORBIDS:
            pass
        elif status in (401, 403, 404) or status >= 500:
            problems.append(f"Status {status} statt Fachantwort")
    elif status not in expected:
        problems.append(f"Status {status} statt {sorted(expected)}")
    if audited != 1:
        problems.append(f"{audited} Audit-Ereignisse statt 1")
    text = response.text
    opened = _may_open(who, scenario)
    if MARK_SOZIALHILFE in text:
        problems.append("Sozialhilfe des Sozialdienstes sichtbar")
    if MARK_POTENZIAL in text and not (opened and "potenzial" in scenario.released):
        problems.append("Potenzialabklärung des Sozialdienstes sichtbar")
    if MARK_PLAN in text and not (opened and "integrationsplan" in scenario.released):
        problems.append("Integrationsplan des Sozialdienstes sichtbar")
    if scenario.family_name in text and not opened:
        problems.append("Stammdaten sichtbar")
    if status == 404 and response.json().get("detail") not in NOT_FOUND_DETAILS | {
        "Die Einwilligung wurde nicht gefunden."
    }:
        problems.append("404 mit abweichendem Text")
    if (
        status == 404
        and "{consent_id}" not in path
        and set(response.json()) != {"type", "title", "status", "detail"}
    ):
        problems.append("404 mit zusätzlichen Angaben")
    if method == "GET" and path == "/api/v1/cases/{case_id}" and status == 200:
        categories = response.json()["categories"]
        want = [c.value for c in DataCategory if c.value in set(CORE) | scenario.released]
        if categories != want:
            problems.append(f"Kategorien {categories} statt {want}")
    if path == "/api/v1/consents/awaiting-confirmation" and status == 200:
        waiting = {item["case_id"] for item in response.json()["items"]}
        if scenario.target.case_id in waiting and not opened:
            problems.append("Einwilligung eines nicht zugänglichen Falls in der Liste")
    if method == "GET" and path == "/api/v1/cases" and status == 200:
        listed = any(item["id"] == scenario.target.case_id for item in response.json()["items"])
        if listed != opened:
            problems.append("Fall in der Liste" if listed else "eigener Fall fehlt in der Liste")
    return problems


def test_authorization_matrix(container: Container, world: World, engine: Engine) -> None:
    clock = SettableClock()
    with client_with(container, clock=clock, raise_server_exceptions=False) as client:
        api = Api(client, world)
        principals = _principals(world)
        cells, failures = 0, []
        for serial, (relation, consent_state) in enumerate(SCENARIOS, start=1):
            scenario = _build(api, clock, relation, consent_state, serial)
            # Reads first, then writes by those refused, then writes by those allowed (which
            # change the case); the supervisor comes last since it may end the assignment.
            reads = [r for r in MATRIX_ROUTES if r[0] == "GET"]
            writes = [r for r in MATRIX_ROUTES if r[0] != "GET"]
            order = ("dpo", "other", "not_assigned", "assigned", "system", "supervisor")
            plan = [(r, w) for r in reads for w in order]
            plan += [(r, w) for w in order if not _may_open(w, scenario) for r in writes]
            plan += [(r, w) for w in order if _may_open(w, scenario) for r in writes]
            for route, who in plan:
                before = audit_count(engine)
                response = request_as(
                    client,
                    principals[who],
                    route[0],
                    _url(route[1], scenario),
                    headers={"If-Match": f'"{scenario.target.version}"'} if route[0] != "GET" else {},
                    **_sample(route, scenario),
                )
                cells += 1
                for problem in _check_cell(response, route, who, scenario, audit_count(engine) - before):
                    failures.append(f"{relation}/{consent_state}/{who} {route[0]} {route[1]}: {problem}")
    print(
        f"\nBerechtigungsmatrix: {cells} Zellen geprüft ({len(MATRIX_ROUTES)} Operationen × "
        f"{len(PRINCIPALS)} Principal-Arten × {len(SCENARIOS)} Szenarien), {len(failures)} Abweichungen"
    )
    assert cells == len(MATRIX_ROUTES) * len(PRINCIPALS) * len(SCENARIOS)
    assert not failures, "\n".join(failures[:40])
