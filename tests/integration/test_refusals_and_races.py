"""Refused requests are audited; races end in a clean answer, never a 500 or a lost update."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from app.adapters.db.engine import make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container
from app.domain.errors import StaleVersion
from tests.api_helpers import Api, client_with, days_ago
from tests.audit_log import audit_count, last_audit_event


def test_stale_change_is_refused_and_recorded(api: Api, engine: Engine) -> None:
    case = api.open_case()
    response = api.client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"reassessment_interval_months": 4},
        headers=api.headers("sd", '"9"'),
    )
    assert response.status_code == 412
    event = last_audit_event(engine)
    assert (event.outcome, event.operation, str(event.case_id)) == ("refused", "cases.change", case["id"])
    assert event.reason.startswith("Der Datensatz wurde inzwischen geändert")


def test_rule_violation_is_recorded_with_its_german_reason(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    response = api.post(case["id"], "closure", {"reason": "erwerbsarbeit"}, user="rav")
    assert response.status_code == 422
    event = last_audit_event(engine)
    assert (event.outcome, event.actor_name) == ("refused", "rav")
    assert event.reason == "Nur die fallführende Stelle kann den Fall abschliessen."


def test_opening_a_case_for_a_person_without_basis_is_recorded_as_denied(api: Api, engine: Engine) -> None:
    person = api.register_person("sd")
    response = api.client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "local_reference": "X", "opened_on": days_ago(1)},
        headers=api.headers("olten"),
    )
    assert response.status_code == 404
    event = last_audit_event(engine)
    assert (event.outcome, event.operation, str(event.person_id)) == ("denied", "cases.open", person["id"])


def test_registering_an_ahvn13_another_institution_knows_is_recorded(api: Api, engine: Engine) -> None:
    person = api.register_person("sd")
    body = {"ahvn13": person["ahvn13"], "family_name": "X", "given_name": "Y", "birth_date": "1990-01-01"}
    own = api.client.post("/api/v1/persons", json=body, headers=api.headers("olten"))
    assert own.status_code == 201  # a registration of its own, as for an unknown person
    event = last_audit_event(engine)
    assert (event.outcome, event.operation, event.actor_name) == ("allowed", "persons.register", "olten")
    assert str(event.person_id) == own.json()["id"] != person["id"]
    # the DPO finds both registrations by the AHVN13 (tests/integration/test_existence_neutral.py)


class LosesOneRace(SqlUnitOfWork):
    """Its first case save loses against a concurrent writer, as under load."""

    lost: list[bool] = []

    def __enter__(self) -> LosesOneRace:
        super().__enter__()
        save = self.cases.save

        def save_once_stale(case: Any) -> None:
            if not LosesOneRace.lost:
                LosesOneRace.lost.append(True)
                raise StaleVersion()
            save(case)

        self.cases.save = save_once_stale  # type: ignore[method-assign]
        return self


def test_a_change_is_retried_after_a_lost_race(api: Api, container: Container, engine: Engine) -> None:
    case = api.open_case()
    session_factory = make_session_factory(engine)
    LosesOneRace.lost = []
    with client_with(
        container, uow_factory=lambda: LosesOneRace(session_factory, vault=container.vault)
    ) as client:
        response = client.post(
            f"/api/v1/cases/{case['id']}/journal",
            json={"category": "fallfuehrung", "text": "Notiz"},
            headers=api.headers("sd"),
        )
        assert response.status_code == 201, response.text
        assert LosesOneRace.lost == [True]
        LosesOneRace.lost = []
        with_if_match = client.patch(
            f"/api/v1/cases/{case['id']}",
            json={"reassessment_interval_months": 4},
            headers=api.headers("sd", response.headers["ETag"]),
        )
    # Retried too, and its If-Match checked against what the retry read: the race touched nothing the
    # caller saw, so the change holds.
    assert with_if_match.status_code == 200, with_if_match.text
    assert LosesOneRace.lost == [True]
    assert len(api.get_case(case["id"]).json()["fallfuehrung"]["journal"]) == 1


class MissesTheTwin(SqlUnitOfWork):
    """Its AHVN13 look-up runs before a concurrent registration of the same number commits."""

    def __enter__(self) -> MissesTheTwin:
        super().__enter__()
        self.persons.registrations_related_to = lambda ahvn13, institution_id: []  # type: ignore[method-assign]
        return self


def test_simultaneous_registration_of_one_ahvn13_is_a_409_not_a_500(
    api: Api, container: Container, engine: Engine
) -> None:
    person = api.register_person("sd")
    session_factory = make_session_factory(engine)
    with client_with(
        container, uow_factory=lambda: MissesTheTwin(session_factory, vault=container.vault)
    ) as client:
        body = {
            "ahvn13": person["ahvn13"],
            "family_name": "Zwilling",
            "given_name": "Z",
            "birth_date": "1990-01-01",
        }
        response = client.post("/api/v1/persons", json=body, headers=api.headers("sd"))
    assert response.status_code == 409
    # Only the same institution can collide: one registration per institution and AHVN13.
    assert response.json()["detail"] == "Ihre Stelle hat diese AHV-Nummer bereits erfasst."
    assert "Zwilling" not in response.text


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def test_today_is_the_calendar_day_in_solothurn(api: Api, container: Container) -> None:
    person = api.register_person("sd")
    half_past_midnight_in_solothurn = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 2 June, 00:30 local
    with client_with(container, clock=FixedClock(half_past_midnight_in_solothurn)) as client:
        response = client.post(
            "/api/v1/cases",
            json={"person_id": person["id"], "local_reference": "N", "opened_on": "2026-06-02"},
            headers=api.headers("sd"),
        )
    assert response.status_code == 201, response.text


class AlwaysLosesTheRace(SqlUnitOfWork):
    def __enter__(self) -> AlwaysLosesTheRace:
        super().__enter__()

        def stale(case: Any) -> None:
            raise StaleVersion()

        self.cases.save = stale  # type: ignore[method-assign]
        return self


def test_a_change_without_if_match_that_keeps_losing_gets_409_and_one_event(
    api: Api, container: Container, engine: Engine
) -> None:
    case = api.open_case()
    session_factory = make_session_factory(engine)
    before = audit_count(engine)
    with client_with(
        container, uow_factory=lambda: AlwaysLosesTheRace(session_factory, vault=container.vault)
    ) as client:
        response = client.post(
            f"/api/v1/cases/{case['id']}/journal",
            json={"category": "fallfuehrung", "text": "Notiz"},
            headers=api.headers("sd"),
        )
    assert response.status_code == 409
    assert response.json()["title"] == "Konflikt"
    assert audit_count(engine) == before + 1
    assert last_audit_event(engine).outcome == "refused"
