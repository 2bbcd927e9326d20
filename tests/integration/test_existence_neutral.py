"""Existence-neutral answers: an institution without a basis for a person probes registration,
lookup, import (dry run and real) and case opening with an AHVN13 another institution knows, and
with one nobody knows. Every answer (status, body up to generated ids and references) and every
audit event it leaves must be the same for both, and the prober never sees the Stammdaten the other
institution recorded.

Runs on SQLite and PostgreSQL like every integration test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.api_helpers import Api, consent_body, days_ago, new_ahvn13
from tests.audit_log import audit_events, last_audit_event
from tests.statements import counted

pytestmark = pytest.mark.integration

PROBER = "olten"  # a caseworker of another Sozialregion: no basis for the Sozialdienst's client
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_AHVN13 = re.compile(r"756\.?\d{4}\.?\d{4}\.?\d{2}")
_REFERENCE = re.compile(r"PROBE-\d+")
_GENERATED = ("etag", "version_tag", "created_at", "updated_at", "opened_at")


def _known_ahvn13(api: Api) -> str:
    return _known_case(api)[1]


def _known_case(api: Api) -> tuple[str, str]:
    """(case id, AHVN13) of a client of the Sozialdienst Wasseramt with a shared case the RAV takes
    part in, journal entries and a spelling of its own."""
    person = api.register_person(
        "sd",
        family_name="Geheimnisvoll",
        given_name="Verena",
        address={"street": "Versteckweg 7", "postal_code": "4500", "city": "Solothurn"},
    )
    case = api.client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "local_reference": "SD-GEHEIM", "opened_on": days_ago(100)},
        headers=api.headers("sd"),
    ).json()
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget: Mietzins"})
    return str(case["id"]), str(person["ahvn13"])


def _neutral(value: Any) -> Any:
    """The answer without what is generated per request: ids, AHVN13s, references, times."""
    if isinstance(value, dict):
        return {k: _neutral(v) for k, v in value.items() if k not in _GENERATED}
    if isinstance(value, list):
        return [_neutral(v) for v in value]
    if isinstance(value, str):
        return _REFERENCE.sub("<ref>", _AHVN13.sub("<ahvn13>", _UUID.sub("<id>", value)))
    return value


def _answer(response: Any) -> tuple[int, Any]:
    body = response.json() if response.content else None
    return response.status_code, _neutral(body)


def _new_audit(engine: Engine, before: int) -> list[tuple[Any, ...]]:
    return [
        (
            e.action,
            e.operation,
            e.outcome,
            e.reason,
            sorted(e.categories),
            sorted(e.withheld_categories),
            sorted(e.bases),
            e.case_id is None,
            e.person_id is None,
            len(e.record_ids),
            e.recipient_institution_id is None,
        )
        for e in audit_events(engine)[before:]
    ]


def _probe(
    api: Api, engine: Engine, ask: Any
) -> tuple[tuple[int, Any], list[tuple[Any, ...]], str, list[str]]:
    before = len(audit_events(engine))
    with counted(engine) as statements:
        response = ask()
    # the kind of each statement, up to its conditions (the number of values in an IN list differs)
    return (
        _answer(response),
        _new_audit(engine, before),
        response.text,
        [w.split("WHERE")[0] for w in statements],
    )


def _both(api: Api, engine: Engine, ask: Any) -> tuple[tuple[int, Any], list[tuple[Any, ...]]]:
    """Asks the same question for a known and an unknown AHVN13; both must look the same, down to
    the statements sent to the database (no work, and so no time, depends on the other's record)."""
    known, unknown = _known_ahvn13(api), new_ahvn13()
    seen_known, audit_known, text, work_known = _probe(api, engine, lambda: ask(known))
    seen_unknown, audit_unknown, _, work_unknown = _probe(api, engine, lambda: ask(unknown))
    assert seen_known == seen_unknown
    assert audit_known == audit_unknown
    assert work_known == work_unknown
    assert audit_known, "every probe leaves an audit event"
    for secret in ("Geheimnisvoll", "Verena", "Versteckweg", "SD-GEHEIM", "Budget"):
        assert secret not in text
    return seen_known, audit_known


def _register(api: Api, ahvn13: str) -> Any:
    return api.client.post(
        "/api/v1/persons",
        json={"ahvn13": ahvn13, "family_name": "Probst", "given_name": "Paul", "birth_date": "1975-05-05"},
        headers=api.headers(PROBER),
    )


def test_registration_answers_alike_and_shows_only_what_the_caller_typed(api: Api, engine: Engine) -> None:
    (status, body), _ = _both(api, engine, lambda ahvn13: _register(api, ahvn13))
    assert status == 201
    assert (body["family_name"], body["given_name"], body["birth_date"]) == ("Probst", "Paul", "1975-05-05")
    assert body["address"] is None


def test_a_second_registration_by_the_same_institution_is_answered_honestly(api: Api) -> None:
    ahvn13 = _known_ahvn13(api)
    first = _register(api, ahvn13)
    again = _register(api, ahvn13)
    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["detail"] == "Ihre Stelle hat diese AHV-Nummer bereits erfasst."
    assert again.json()["person_id"] == first.json()["id"]


def test_lookup_answers_alike_before_and_after_the_callers_own_registration(api: Api, engine: Engine) -> None:
    def lookup(ahvn13: str) -> Any:
        return api.client.post("/api/v1/persons/lookup", json={"ahvn13": ahvn13}, headers=api.headers(PROBER))

    (status, _), _ = _both(api, engine, lookup)
    assert status == 404

    def register_then_lookup(ahvn13: str) -> Any:
        assert _register(api, ahvn13).status_code == 201
        return lookup(ahvn13)

    (status, body), _ = _both(api, engine, register_then_lookup)
    assert status == 200
    assert body["family_name"] == "Probst"


def test_reading_the_own_registration_by_id_shows_only_the_callers_spelling(api: Api) -> None:
    own = _register(api, _known_ahvn13(api)).json()
    read = api.client.get(f"/api/v1/persons/{own['id']}", headers=api.headers(PROBER))
    assert read.status_code == 200
    assert (read.json()["family_name"], read.json()["address"]) == ("Probst", None)


def _csv(ahvn13: str, reference: str) -> bytes:
    header = (
        "Dossiernummer;AHV-Nummer;Name;Vorname;Geburtsdatum;Eröffnet am;Sozialdienst;Unterstützungsstatus;"
        "Unterstützt seit;Unterstützt bis;Massnahme;Massnahmenart;Massnahme Beginn;Massnahme Ende;"
        "Massnahme Status;Massnahme Stelle"
    )
    # a family name of its own per record: a name + birth-date twin among the prober's own earlier
    # records would be a candidate (and so other work) for reasons of its own
    family_name = "Probst" + "".join(chr(ord("a") + int(d)) for d in reference.split("-")[1])
    row = f"{reference};{ahvn13};{family_name};Paul;05.05.1975;05.01.2026;T-SD-OL;laufend;01.01.2026;;;;;;;"
    return f"{header}\n{row}\n".encode()


_serial = iter(range(1, 1_000_000))


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_import_answers_alike(api: Api, engine: Engine, dry_run: bool) -> None:
    def imported(ahvn13: str) -> Any:
        return api.client.post(
            f"/api/v1/exchange/sozialdienst/imports?dry_run={'true' if dry_run else 'false'}",
            content=_csv(ahvn13, f"PROBE-{next(_serial)}"),
            headers={**api.headers(PROBER), "Content-Type": "text/csv"},
        )

    (status, body), _ = _both(api, engine, imported)
    assert status == 200
    assert body["summary"]["created"] == 1
    assert [r["outcome"] for r in body["results"]] == ["created"]
    assert "erfasst" not in str(body)


def test_case_opening_answers_alike(api: Api, engine: Engine) -> None:
    def opened(ahvn13: str) -> Any:
        person = _register(api, ahvn13).json()
        return api.client.post(
            "/api/v1/cases",
            json={
                "person_id": person["id"],
                "local_reference": f"PROBE-{next(_serial)}",
                "opened_on": days_ago(3),
            },
            headers=api.headers(PROBER),
        )

    (status, body), _ = _both(api, engine, opened)
    assert status == 201
    assert body["fallfuehrung"]["lead_institution_id"] == "<id>"
    assert body["stammdaten"]["family_name"] == "Probst"


def test_the_case_the_prober_opens_is_its_own(api: Api) -> None:
    person = _register(api, _known_ahvn13(api)).json()
    case = api.client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "local_reference": "OL-1", "opened_on": days_ago(3)},
        headers=api.headers(PROBER),
    ).json()
    read = api.client.get(f"/api/v1/cases/{case['id']}", headers=api.headers(PROBER))
    assert read.status_code == 200
    core = read.json()["fallfuehrung"]
    assert core["lead_institution_id"] == str(api.world.other_sozialdienst.id)
    assert {p["institution_id"] for p in core["participants"]} == {str(api.world.other_sozialdienst.id)}
    assert read.json()["stammdaten"]["family_name"] == "Probst"
    for secret in ("Geheimnisvoll", "Versteckweg", "SD-GEHEIM", "Budget", str(api.world.rav.id)):
        assert secret not in read.text


def test_the_access_report_covers_every_institutions_registration(api: Api) -> None:
    ahvn13 = _known_ahvn13(api)
    own = _register(api, ahvn13).json()
    opened = api.client.post(
        "/api/v1/cases",
        json={"person_id": own["id"], "local_reference": "OL-2", "opened_on": days_ago(3)},
        headers=api.headers(PROBER),
    )
    assert opened.status_code == 201
    assert api.get_case(opened.json()["id"], PROBER).status_code == 200

    report = api.client.post(
        "/api/v1/audit/access-reports", json={"ahvn13": ahvn13}, headers=api.headers("dpo")
    )
    assert report.status_code == 200, report.text
    receivers = {r["institution_id"] for r in report.json()["receipts"]}
    # Asked by the AHVN13, the earliest registration is the Sozialdienst Wasseramt's; the other
    # region's reads of its own registration belong to the client's Auskunft all the same.
    assert str(api.world.other_sozialdienst.id) in receivers
    assert "sozialhilfe" in report.json()["categories_held"]  # the Wasseramt case's data


# -- routing with a basis: the reference directory across the registrations of one client ---------------


def _holders(api: Api, person_id: str) -> Any:
    return api.client.get(f"/api/v1/persons/{person_id}/dossier-holders", headers=api.headers(PROBER))


def _own_case(api: Api, ahvn13: str) -> str:
    own = _register(api, ahvn13).json()
    opened = api.client.post(
        "/api/v1/cases",
        json={"person_id": own["id"], "local_reference": f"PROBE-{next(_serial)}", "opened_on": days_ago(3)},
        headers=api.headers(PROBER),
    )
    assert opened.status_code == 201
    return str(own["id"])


def test_the_directory_answers_the_own_registration_alike_without_a_basis(api: Api, engine: Engine) -> None:
    def directory(ahvn13: str) -> Any:
        return _holders(api, _own_case(api, ahvn13))

    (status, body), audit = _both(api, engine, directory)
    assert status == 200
    assert [h["lead"] for h in body["items"]] == [True]  # the prober's own case only
    assert audit[-1][:3] == ("read", "directory.dossiers_of_person", "allowed")


def test_the_clients_routing_consent_lets_the_directory_name_the_lead(api: Api, engine: Engine) -> None:
    case_id, ahvn13 = _known_case(api)
    own = _own_case(api, ahvn13)
    olten = api.world.other_sozialdienst.id
    codes = lambda: sorted(h["institution_id"] for h in _holders(api, own).json()["items"])  # noqa: E731
    assert codes() == [str(olten)]

    # Only Fallführung may go to an institution off the case: anything else is refused.
    wider = api.post(
        case_id, "consents", consent_body(api.world, [(api.world.sozialdienst.id, olten)], ["potenzial"])
    )
    assert wider.status_code == 422
    assert wider.json()["errors"][0]["pointer"].endswith("flows/0")

    routing = api.grant_consent(
        case_id, [(api.world.sozialdienst.id, olten)], ["fallfuehrung"], purpose="Zuständigkeit klären"
    )
    assert routing["status"] == "active"
    answer = _holders(api, own).json()["items"]
    assert {(h["institution_id"], h["lead"]) for h in answer} == {
        (str(olten), True),
        (str(api.world.sozialdienst.id), True),
        (str(api.world.rav.id), False),
    }
    event = last_audit_event(engine)
    assert (event.action, event.bases) == ("disclose", [f"consent:{routing['id']}", "participation"])
    assert str(event.recipient_institution_id) == str(olten)
    assert api.get_case(case_id, PROBER).status_code == 404  # routing opens nothing of the case

    revoked = api.post(case_id, f"consents/{routing['id']}/revocation", {"reason": "Widerrufen."})
    assert revoked.status_code == 200
    assert codes() == [str(olten)]


def test_a_routing_consent_the_prober_could_not_record_itself(api: Api) -> None:
    case_id, _ = _known_case(api)
    olten = api.world.other_sozialdienst.id
    refused = api.post(
        case_id,
        "consents",
        consent_body(api.world, [(api.world.sozialdienst.id, olten)], ["fallfuehrung"], PROBER),
        PROBER,
    )
    assert refused.status_code == 404  # not on the case: it does not exist for the prober


def test_the_dpo_finds_every_registration_of_a_client_by_the_ahvn13(api: Api) -> None:
    ahvn13 = _known_ahvn13(api)
    own = _register(api, ahvn13).json()
    found = api.client.post(
        "/api/v1/audit/events/search", json={"ahvn13": ahvn13}, headers=api.headers("dpo")
    )
    assert found.status_code == 200, found.text
    persons = {e["person_id"] for e in found.json()["events"]}
    assert own["id"] in persons and len(persons) == 2


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_name_and_birth_date_twin_known_elsewhere_changes_nothing(
    api: Api, engine: Engine, dry_run: bool
) -> None:
    _known_ahvn13(api)  # Geheimnisvoll Verena, 12.03.1984, at Wasseramt

    def imported(family_name: str) -> Any:
        header = (
            "Dossiernummer;AHV-Nummer;Name;Vorname;Geburtsdatum;Eröffnet am;Sozialdienst;"
            "Unterstützungsstatus;Unterstützt seit;Unterstützt bis;Massnahme;Massnahmenart;"
            "Massnahme Beginn;Massnahme Ende;Massnahme Status;Massnahme Stelle"
        )
        row = (
            f"PROBE-{next(_serial)};{new_ahvn13()};{family_name};Verena;12.03.1984;05.01.2026;T-SD-OL;"
            "laufend;01.01.2026;;;;;;;"
        )
        return api.client.post(
            f"/api/v1/exchange/sozialdienst/imports?dry_run={'true' if dry_run else 'false'}",
            content=f"{header}\n{row}\n".encode(),
            headers={**api.headers(PROBER), "Content-Type": "text/csv"},
        )

    twin, twin_audit, _, twin_work = _probe(api, engine, lambda: imported("Geheimnisvoll"))
    alone, alone_audit, _, alone_work = _probe(api, engine, lambda: imported("Einzigartig"))
    assert twin == alone
    assert twin[1]["results"][0]["outcome"] == "created"
    assert twin_audit == alone_audit
    assert twin_work == alone_work
