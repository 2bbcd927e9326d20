"""Persons over the API: registration, lookup, correction, German problems."""

from __future__ import annotations

from tests.api_helpers import Api, new_ahvn13


def test_registered_person_is_returned_in_canonical_format(api: Api) -> None:
    digits = new_ahvn13().replace(".", "")
    person = api.register_person(ahvn13=digits)
    assert person["ahvn13"] == f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"
    assert person["version"] == 1


def test_wrong_check_digit_is_refused_with_german_problem_naming_the_field(api: Api) -> None:
    valid = new_ahvn13()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    response = api.client.post(
        "/api/v1/persons",
        json={"ahvn13": wrong, "family_name": "Keller", "given_name": "Mara", "birth_date": "1984-03-12"},
        headers=api.headers("sd"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Ungültige Eingabe"
    assert problem["errors"] == [
        {"detail": "Die Prüfziffer der AHV-Nummer stimmt nicht.", "pointer": "#/ahvn13"}
    ]
    assert problem["type"].endswith("/problems/validation")
    assert wrong not in response.text  # the input is not echoed back


def test_every_invalid_field_is_pointed_at(api: Api) -> None:
    response = api.client.post(
        "/api/v1/persons",
        json={
            "ahvn13": "756",
            "given_name": "",
            "birth_date": "12.03.1984",
            "address": {"postal_code": "45"},
            "x": 1,
        },
        headers=api.headers("sd"),
    )
    assert response.status_code == 422
    pointers = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert pointers["#/family_name"] == "Pflichtangabe fehlt."
    assert pointers["#/given_name"] == "Darf nicht leer sein."
    assert pointers["#/birth_date"].startswith("Erwartet wird ein Datum")
    assert pointers["#/address/postal_code"] == "Das Format stimmt nicht."
    assert pointers["#/address/street"] == "Pflichtangabe fehlt."
    assert pointers["#/x"] == "Unbekanntes Feld."
    assert "756" in pointers["#/ahvn13"]  # explains the format 756.XXXX.XXXX.XX


def test_birth_date_in_future_is_refused(api: Api) -> None:
    response = api.client.post(
        "/api/v1/persons",
        json={
            "ahvn13": new_ahvn13(),
            "family_name": "Keller",
            "given_name": "Mara",
            "birth_date": "2999-01-01",
        },
        headers=api.headers("sd"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/birth_date"


def test_malformed_json_is_a_german_problem(api: Api) -> None:
    response = api.client.post(
        "/api/v1/persons", content=b"{nope", headers={**api.headers("sd"), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"] == "Der Inhalt ist kein gültiges JSON."


def test_same_ahvn13_cannot_be_registered_twice(api: Api) -> None:
    person = api.register_person()
    again = api.client.post(
        "/api/v1/persons",
        json={"ahvn13": person["ahvn13"], "family_name": "X", "given_name": "Y", "birth_date": "1990-01-01"},
        headers=api.headers("sd"),
    )
    assert again.status_code == 409
    assert again.json()["person_id"] == person["id"]


def test_another_institutions_registration_gives_the_caller_its_own(api: Api) -> None:
    person = api.register_person("sd")
    again = api.client.post(
        "/api/v1/persons",
        json={"ahvn13": person["ahvn13"], "family_name": "X", "given_name": "Y", "birth_date": "1990-01-01"},
        headers=api.headers("olten"),
    )
    assert again.status_code == 201
    own = again.json()
    assert own["id"] != person["id"]
    assert (own["family_name"], own["given_name"], own["birth_date"]) == ("X", "Y", "1990-01-01")
    assert person["id"] not in again.text


def test_lookup_by_ahvn13_works_with_and_without_dots(api: Api) -> None:
    person = api.register_person()
    for form in (person["ahvn13"], person["ahvn13"].replace(".", "")):
        response = api.client.post("/api/v1/persons/lookup", json={"ahvn13": form}, headers=api.headers("sd"))
        assert response.status_code == 200
        assert response.json()["id"] == person["id"]


def test_lookup_without_basis_answers_like_a_missing_person(api: Api) -> None:
    person = api.register_person("sd")
    hidden = api.client.post(
        "/api/v1/persons/lookup", json={"ahvn13": person["ahvn13"]}, headers=api.headers("olten")
    )
    missing = api.client.post(
        "/api/v1/persons/lookup", json={"ahvn13": new_ahvn13()}, headers=api.headers("olten")
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    by_id = api.client.get(f"/api/v1/persons/{person['id']}", headers=api.headers("olten"))
    assert by_id.status_code == 404


def test_participant_of_a_case_may_read_the_person(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    response = api.client.get(f"/api/v1/persons/{case['person_id']}", headers=api.headers("rav"))
    assert response.status_code == 200


def test_correction_needs_if_match_and_refuses_a_stale_version(api: Api) -> None:
    person = api.register_person()
    url = f"/api/v1/persons/{person['id']}"
    missing = api.client.patch(url, json={"family_name": "Neu"}, headers=api.headers("sd"))
    assert missing.status_code == 428
    ok = api.client.patch(url, json={"family_name": "Neu"}, headers=api.headers("sd", '"1"'))
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"2"'
    stale = api.client.patch(url, json={"family_name": "Alt"}, headers=api.headers("sd", '"1"'))
    assert stale.status_code == 412
    assert api.client.get(url, headers=api.headers("sd")).json()["family_name"] == "Neu"


def test_only_registering_or_leading_institution_may_correct(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    url = f"/api/v1/persons/{case['person_id']}"
    response = api.client.patch(url, json={"family_name": "Neu"}, headers=api.headers("rav", '"1"'))
    assert response.status_code == 403


def test_null_removes_an_optional_field_and_is_refused_for_a_required_one(api: Api) -> None:
    person = api.register_person(phone="+41 32 111 22 33", email="mara@example.ch")
    url = f"/api/v1/persons/{person['id']}"
    cleared = api.client.patch(url, json={"phone": None}, headers=api.headers("sd", '"1"'))
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["phone"] is None
    assert cleared.json()["email"] == "mara@example.ch"  # left out, so unchanged
    refused = api.client.patch(url, json={"family_name": None}, headers=api.headers("sd", '"2"'))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/family_name"


def test_control_and_invisible_characters_are_refused_in_every_person_text(api: Api) -> None:
    fields = {
        "email": "a\x00b@x.ch",
        "family_name": "Kel\u202eler",
        "given_name": "Ma\u200bra",
    }
    for field, value in fields.items():
        body = {
            "ahvn13": new_ahvn13(),
            "family_name": "K",
            "given_name": "M",
            "birth_date": "1990-01-01",
            field: value,
        }
        response = api.client.post("/api/v1/persons", json=body, headers=api.headers("sd"))
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["pointer"] == f"#/{field}"
    fullwidth_postal_code = {
        "street": "Weg 1",
        "postal_code": "\uff14\uff15\uff10\uff10",
        "city": "Solothurn",
    }
    body = {"ahvn13": new_ahvn13(), "family_name": "K", "given_name": "M", "birth_date": "1990-01-01"}
    response = api.client.post(
        "/api/v1/persons", json={**body, "address": fullwidth_postal_code}, headers=api.headers("sd")
    )
    assert response.status_code == 422
