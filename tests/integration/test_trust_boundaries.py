"""The findings of the trust-boundary review (issue "Trust boundaries of the access model"), each
replayed over the API as the adversary tried it: every one of them widened access on the old code.

Runs on SQLite and PostgreSQL like every integration test.
"""

from __future__ import annotations

import base64
import csv
import io
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.api_helpers import Api, consent_body, days_ago
from tests.audit_log import last_audit_event

pytestmark = pytest.mark.integration


def _case_led_by_the_sozialdienst(api: Api) -> str:
    case_id = api.open_case("sd")["id"]
    api.add_participant(case_id, api.world.rav.id)
    api.ok(case_id, "journal", {"category": "sozialhilfe", "text": "Budget: Mietzins und Grundbedarf"})
    api.ok(case_id, "assessments", {"kind": "kurzassessment", "assessed_on": days_ago(5), "findings": "x"})
    return case_id


def _sd_to_rav(api: Api) -> list[tuple[Any, Any]]:
    return [(api.world.sozialdienst.id, api.world.rav.id)]


# -- finding 1: a recipient releases another institution's data to itself ----------------------------


def test_five_bytes_are_no_signed_form(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    body = consent_body(api.world, _sd_to_rav(api), ["sozialhilfe"], "rav")
    body["evidence"]["file"] = base64.b64encode(b"%PDF-").decode()
    refused = api.post(case_id, "consents", body, "rav-lead")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/evidence/file"


def test_the_form_is_collected_by_the_recording_institution(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    body = consent_body(api.world, _sd_to_rav(api), ["sozialhilfe"], "sd")  # collected_by: the Sozialdienst
    refused = api.post(case_id, "consents", body, "rav")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/evidence/collected_by"


def test_a_consent_the_recipient_records_waits_for_the_owner(api: Api, engine: Engine) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    recorded = api.grant_consent(case_id, _sd_to_rav(api), ["sozialhilfe", "potenzial"], "rav")
    assert recorded["status"] == "awaiting_confirmation"
    assert recorded["awaiting"] == [str(api.world.sozialdienst.id)]
    event = last_audit_event(engine)
    assert event.bases == [f"proposed:{api.world.sozialdienst.id}>{api.world.rav.id}"]
    shown = api.get_case(case_id, "rav").json()
    assert "sozialhilfe" not in shown["categories"] and "potenzial" not in shown["categories"]

    # the recipient cannot confirm in the owner's name
    assert api.post(case_id, f"consents/{recorded['id']}/confirmation", {}, "rav-lead").status_code == 409
    waiting = api.client.get("/api/v1/consents/awaiting-confirmation", headers=api.headers("sd")).json()
    assert [w["id"] for w in waiting["items"]] == [recorded["id"]]
    confirmed = api.post(case_id, f"consents/{recorded['id']}/confirmation", {}, "sd")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "active"
    assert "sozialhilfe" in api.get_case(case_id, "rav").json()["categories"]


def test_the_recipient_cannot_replace_the_owners_consent_but_may_record_a_revocation(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    first = api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"])
    wider = api.grant_consent(
        case_id, _sd_to_rav(api), ["potenzial", "sozialhilfe"], "rav", supersedes=first["id"]
    )
    assert wider["status"] == "awaiting_confirmation"
    listed = api.client.get(f"/api/v1/cases/{case_id}/consents", headers=api.headers("sd")).json()["items"]
    assert {c["id"]: c["status"] for c in listed} == {
        first["id"]: "active",
        wider["id"]: "awaiting_confirmation",
    }
    categories = api.get_case(case_id, "rav").json()["categories"]
    assert "potenzial" in categories and "sozialhilfe" not in categories

    # the client's revocation counts at once, whoever of the named institutions records it
    revoked = api.post(
        case_id, f"consents/{first['id']}/revocation", {"reason": "Am Schalter widerrufen."}, "rav"
    )
    assert revoked.status_code == 200
    assert "potenzial" not in api.get_case(case_id, "rav").json()["categories"]


def test_only_institutions_named_in_a_flow_see_a_consent(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    api.add_participant(case_id, api.world.iv.id)
    consent = api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"], purpose="Stellensuche")
    listed = api.client.get(f"/api/v1/cases/{case_id}/consents", headers=api.headers("iv")).json()["items"]
    assert listed == []
    hidden = api.client.get(f"/api/v1/cases/{case_id}/consents/{consent['id']}", headers=api.headers("iv"))
    assert hidden.status_code == 404
    revoke = api.post(case_id, f"consents/{consent['id']}/revocation", {"reason": "x"}, "iv")
    assert revoke.status_code == 404


# -- finding 3: Gegenrecht met by an empty reverse consent --------------------------------------------


def test_gegenrecht_needs_a_reverse_release_beyond_the_shared_core(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    api.ok(case_id, "journal", {"category": "arbeitsmarkt", "text": "Suchbemühungen ausreichend"}, "rav")
    rav_to_sd = [(api.world.rav.id, api.world.sozialdienst.id)]
    api.grant_consent(case_id, rav_to_sd, ["arbeitsmarkt"], "rav", purpose="Stellensuche")
    api.grant_consent(case_id, _sd_to_rav(api), ["fallfuehrung"], purpose="Stellensuche")
    assert "arbeitsmarkt" not in api.get_case(case_id, "sd").json()["categories"]

    api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"], purpose="Zimmersuche")
    assert "arbeitsmarkt" not in api.get_case(case_id, "sd").json()["categories"]  # another purpose

    api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"], purpose="Stellensuche")
    assert "arbeitsmarkt" in api.get_case(case_id, "sd").json()["categories"]


# -- finding 5: ownership forged, formulas in the export ---------------------------------------------


def test_a_measure_planned_for_another_institution_is_a_proposal(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    forged = {
        "title": '=HYPERLINK("http://example.org/x","Klick")',
        "kind": "other",
        "owner_institution_id": str(api.world.sozialdienst.id),
    }
    measures = api.ok(case_id, "plan/measures", forged, "rav")["integrationsplan"]["measures"]
    (measure,) = measures
    assert measure["owner_institution_id"] == str(api.world.rav.id)
    assert measure["proposed_to"] == str(api.world.sozialdienst.id)

    accepted = api.post(case_id, f"plan/measures/{measure['id']}/acceptance", {}, "sd")
    assert accepted.status_code == 200, accepted.text
    (after,) = accepted.json()["integrationsplan"]["measures"]
    assert (after["owner_institution_id"], after["proposed_to"]) == (str(api.world.sozialdienst.id), None)
    assert api.post(case_id, f"plan/measures/{measure['id']}/acceptance", {}, "rav").status_code == 422


def test_the_sozialdienst_export_neutralises_formulas() -> None:
    from datetime import date

    from app.adapters.institutions.sozialdienst import SozialdienstFormat
    from app.domain.cases import MeasureKind, MeasureStatus
    from app.domain.exchange import CaseExport, PlannedMeasure
    from app.domain.institutions import InstitutionKind

    measure = PlannedMeasure(
        title='=HYPERLINK("http://example.org")',
        kind=MeasureKind.OTHER,
        status=MeasureStatus.PLANNED,
        provider="@SUM(A1)",
        start_on=None,
        end_on=None,
    )
    export = CaseExport(
        uuid.uuid4(), InstitutionKind.SOZIALDIENST, "\tSD", "-2+3", date(2026, 1, 5), None, {}, (measure,)
    )
    rows = list(
        csv.reader(io.StringIO(SozialdienstFormat().render(export).decode("utf-8-sig")), delimiter=";")
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert '\'=HYPERLINK("http://example.org")' in cells


# -- finding 6: consents outlive an archived case ------------------------------------------------------


def test_archiving_ends_the_consents_of_the_case(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    consent = api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"])
    assert "potenzial" in api.get_case(case_id, "rav").json()["categories"]
    api.ok(case_id, "closure", {"reason": "wegzug"})
    api.ok(case_id, "archive", {})
    assert "potenzial" not in api.get_case(case_id, "rav").json()["categories"]
    shown = api.client.get(f"/api/v1/cases/{case_id}/consents/{consent['id']}", headers=api.headers("sd"))
    assert shown.json()["status"] == "expired"


def test_the_dpo_sees_a_consent_the_recipient_recorded_and_the_read_that_followed(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    recorded = api.grant_consent(case_id, _sd_to_rav(api), ["sozialhilfe"], "rav")
    api.post(case_id, f"consents/{recorded['id']}/confirmation", {}, "sd")
    assert "sozialhilfe" in api.get_case(case_id, "rav").json()["categories"]
    whole_time = {"occurred_from": "2000-01-01T00:00:00Z", "occurred_to": "2100-01-01T00:00:00Z"}
    found = api.client.post("/api/v1/audit/anomalies", json=whole_time, headers=api.headers("dpo"))
    assert found.status_code == 200, found.text
    kinds = {a["kind"] for a in found.json()["anomalies"]}
    assert {"consent_by_recipient", "special_soon_after_consent"} <= kinds


def test_the_access_report_covers_archived_cases_break_glass_and_the_whole_history(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.adapters.db import audit_log

    monkeypatch.setattr(audit_log, "_BATCH", 3)  # several pages of the person's history
    case_id = _case_led_by_the_sozialdienst(api)
    person_id = api.get_case(case_id).json()["person_id"]
    api.grant_consent(case_id, _sd_to_rav(api), ["potenzial"])
    for _ in range(4):
        assert api.get_case(case_id, "rav").status_code == 200
    reason = {"reason": "Klient droht die Wohnung zu verlieren; Stand der Sozialhilfe sofort nötig."}
    assert api.post(case_id, "break-glass", reason, "rav-lead").status_code == 201
    api.ok(case_id, "closure", {"reason": "wegzug"})
    api.ok(case_id, "archive", {})

    report = api.client.post(
        "/api/v1/audit/access-reports", json={"person_id": person_id}, headers=api.headers("dpo")
    )
    assert report.status_code == 200, report.text
    body = report.json()
    assert {"sozialhilfe", "potenzial"} <= set(body["categories_held"])  # the archived case's data
    rav = [r for r in body["receipts"] if r["institution_id"] == str(api.world.rav.id)]
    assert sum(r["accesses"] for r in rav) >= 5
    assert any("Notfallzugriff" in basis for r in rav for basis in r["bases"])


def test_break_glass_does_not_reopen_a_category_the_client_revoked(api: Api) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    consent = api.grant_consent(case_id, _sd_to_rav(api), ["sozialhilfe"])
    revoked = api.post(case_id, f"consents/{consent['id']}/revocation", {"reason": "Schriftlich widerrufen."})
    assert revoked.status_code == 200
    reason = {"reason": "Klient droht die Wohnung zu verlieren; Stand der Sozialhilfe sofort nötig."}
    assert api.post(case_id, "break-glass", reason, "rav-lead").status_code == 201
    categories = api.get_case(case_id, "rav-lead").json()["categories"]
    assert "sozialhilfe" not in categories and "potenzial" in categories


def test_a_list_that_showed_the_person_appears_in_the_access_report(api: Api, engine: Engine) -> None:
    case_id = _case_led_by_the_sozialdienst(api)
    person_id = api.get_case(case_id).json()["person_id"]
    listed = api.client.get("/api/v1/cases", headers=api.headers("rav"))
    assert listed.status_code == 200
    event = last_audit_event(engine)
    assert event.operation == "cases.list" and person_id in event.record_ids

    report = api.client.post(
        "/api/v1/audit/access-reports", json={"person_id": person_id}, headers=api.headers("dpo")
    ).json()
    rav = [r for r in report["receipts"] if r["institution_id"] == str(api.world.rav.id)]
    assert rav and "stammdaten" in rav[0]["categories"]


def test_the_directory_tells_an_institution_not_on_the_case_only_on_a_routing_rule(
    api: Api, uow_factory: Any, engine: Engine
) -> None:
    from dataclasses import replace as changed
    from datetime import UTC, datetime

    from app.adapters.legal_basis_file import packaged_rule_book
    from app.domain.legal_bases import RuleBook
    from app.services.access_config import AccessConfig
    from app.services.context import RequestContext
    from app.services.errors import PersonNotFound
    from app.services.reference_directory import dossier_holders

    case_id = _case_led_by_the_sozialdienst(api)
    person_id = api.get_case(case_id).json()["person_id"]
    unknown = api.register_person("sd")["id"]
    iv = api.world.users["iv"].as_principal()
    packaged = packaged_rule_book()

    def ask(rules: RuleBook, person: str) -> object:
        ctx = RequestContext(iv, "t", datetime.now(UTC), access=AccessConfig(rules=rules))
        return dossier_holders(uow_factory(), ctx, uuid.UUID(person))

    for person in (person_id, unknown):  # off by default: the same answer as for an unknown person
        with pytest.raises(PersonNotFound):
            ask(packaged.enabled(()), person)

    in_force = RuleBook(
        packaged.version,
        tuple(changed(r, in_force=True) if r.id == "so-sg-dap-verweis" else r for r in packaged.rules),
    ).enabled(())
    holders = ask(in_force, person_id)
    assert [(h.institution.id, h.lead) for h in holders] == [  # type: ignore[attr-defined]
        (api.world.sozialdienst.id, True),
        (api.world.rav.id, False),
    ]
    event = last_audit_event(engine)
    assert (event.action, event.bases) == ("disclose", ["rule:so-sg-dap-verweis"])
    assert str(event.recipient_institution_id) == str(api.world.iv.id)
    with pytest.raises(PersonNotFound):
        ask(in_force, unknown)
