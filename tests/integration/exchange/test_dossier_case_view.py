"""Dossier facts are case data: the RAV's imported facts appear in the Sozialdienst's case view (API
and thin client) on consent, with source and basis, audited as the read; without it they stay sealed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine

from app.adapters.institutions import FORMATS
from app.domain.ahvn13 import Ahvn13
from app.domain.exchange import CaseExport, PersonFacts
from app.domain.institutions import InstitutionKind
from app.services.ports import UnitOfWork
from tests.api_helpers import Api
from tests.audit_log import last_audit_event
from tests.integration.exchange.helpers import run_import

RAV_FACTS: dict[str, object] = {
    "suchstatus": "aktiv_suchend",
    "aussteuerung_voraussichtlich": "2026-12-31",
    "sanktionen": [{"grund": "andere", "einstelltage": 4, "verfuegt_am": "2026-05-04"}],
}


def _rav_imports_the_client(api: Api, uow_factory: Callable[[], UnitOfWork], case: dict[str, Any]) -> None:
    person = api.get_case(case["id"]).json()["stammdaten"]
    export = CaseExport(
        case_id=case["id"],
        kind=InstitutionKind.RAV,
        office_code=api.world.rav.code,
        local_reference="SS-2026-0042",
        registered_on=date(2026, 2, 2),
        person=PersonFacts(
            Ahvn13.parse(person["ahvn13"]),
            person["family_name"],
            person["given_name"],
            date.fromisoformat(person["birth_date"]),
        ),
        facts=RAV_FACTS,
        measures=(),
    )
    report = run_import(uow_factory, api.world.rav, FORMATS[InstitutionKind.RAV].render(export))
    assert report.summary()["created"] == 1, report.results


def _shared_case(api: Api, uow_factory: Callable[[], UnitOfWork], consent: bool) -> str:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    if consent:
        flows = [(api.world.rav.id, api.world.sozialdienst.id), (api.world.sozialdienst.id, api.world.rav.id)]
        consent = api.grant_consent(case["id"], flows, ["arbeitsmarkt"], user="rav")
        # the Sozialdienst owns the reverse flow (the RAV's Gegenrecht): it confirms the release
        api.ok(case["id"], f"consents/{consent['id']}/confirmation", {}, user="sd")
    _rav_imports_the_client(api, uow_factory, case)
    return str(case["id"])


def test_the_rav_facts_reach_the_sozialdienst_case_view_on_consent_with_basis(
    api: Api, uow_factory: Callable[[], UnitOfWork], engine: Engine, browser_for: Any
) -> None:
    case_id = _shared_case(api, uow_factory, consent=True)

    body = api.get_case(case_id, "sd").json()

    [dossier] = body["arbeitsmarkt"]["dossiers"]
    assert dossier["owner_institution_id"] == str(api.world.rav.id)
    assert dossier["basis"].startswith("consent:")
    assert dossier["facts"]["aussteuerung_voraussichtlich"] == "2026-12-31"
    event = last_audit_event(engine)
    assert (event.action, event.operation) == ("read", "cases.read")
    assert "arbeitsmarkt" in event.categories and dossier["basis"] in event.bases
    page = browser_for("sd").get(f"/faelle/{case_id}").text
    assert "Voraussichtliche Aussteuerung" in page and "31.12.2026" in page


def test_without_consent_the_rav_facts_stay_sealed_and_the_rav_sees_its_own(
    api: Api, uow_factory: Callable[[], UnitOfWork], engine: Engine, browser_for: Any
) -> None:
    case_id = _shared_case(api, uow_factory, consent=False)

    body = api.get_case(case_id, "sd").json()

    assert "arbeitsmarkt" not in body and "2026-12-31" not in str(body)
    assert "arbeitsmarkt" in last_audit_event(engine).withheld_categories
    assert "31.12.2026" not in browser_for("sd").get(f"/faelle/{case_id}").text
    own = api.get_case(case_id, "rav").json()["arbeitsmarkt"]["dossiers"]
    assert [(d["basis"], d["facts"]["suchstatus"]) for d in own] == [("own", "aktiv_suchend")]
