"""A case's versions per part: the ETag a caller sees moves only with what it may see, a change is
checked against the parts it touches, and adding records never conflicts."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from app.bootstrap import Container
from app.domain.categories import DataCategory
from app.services import cases, records
from tests.api_helpers import Api, days_ago

WRITERS = 16


def _shared_with_the_rav(api: Api) -> str:
    case_id: str = api.open_case("sd")["id"]
    api.add_participant(case_id, api.world.rav.id)
    return case_id


def _etag(api: Api, case_id: str, user: str) -> str:
    response = api.get_case(case_id, user=user)
    assert response.status_code == 200, response.text
    etag: str = response.headers["ETag"]
    return etag


def test_the_rav_etag_stays_when_the_sozialdienst_writes_what_the_rav_may_not_read(api: Api) -> None:
    case_id = _shared_with_the_rav(api)
    rav_before, sd_before = _etag(api, case_id, "rav"), _etag(api, case_id, "sd")

    note = api.post(case_id, "journal", {"category": "sozialhilfe", "text": "Miete 1400"})
    goal = api.post(case_id, "plan/goals", {"title": "Schulden sanieren"})
    assert (note.status_code, goal.status_code) == (201, 201)
    goal_id = goal.json()["integrationsplan"]["goals"][-1]["id"]
    changed = api.client.patch(
        f"/api/v1/cases/{case_id}/plan/goals/{goal_id}",
        json={"title": "Schulden sanieren bis Juni"},
        headers=api.headers("sd", goal.headers["ETag"]),
    )
    assert changed.status_code == 200, changed.text

    seen = api.get_case(case_id, user="rav")
    assert "sozialhilfe" not in seen.json()["categories"]
    assert "integrationsplan" not in seen.json()["categories"]
    assert seen.headers["ETag"] == rav_before
    assert _etag(api, case_id, "sd") != sd_before


def test_the_rav_etag_moves_with_what_the_rav_may_see(api: Api) -> None:
    case_id = _shared_with_the_rav(api)
    before = _etag(api, case_id, "rav")
    api.ok(case_id, "journal", {"category": "fallfuehrung", "text": "Termin am Montag"})
    after_note = _etag(api, case_id, "rav")
    assert after_note != before
    settings = api.client.patch(
        f"/api/v1/cases/{case_id}",
        json={"reassessment_interval_months": 4},
        headers=api.headers("sd", _etag(api, case_id, "sd")),
    )
    assert settings.status_code == 200, settings.text
    assert _etag(api, case_id, "rav") not in (before, after_note)


def test_a_change_is_checked_only_against_the_parts_it_touches(api: Api) -> None:
    case_id = _shared_with_the_rav(api)
    url = f"/api/v1/cases/{case_id}"
    read = _etag(api, case_id, "sd")
    # Others add records the Sozialdienst sees: its tag moves, but the core it changes did not.
    api.ok(case_id, "journal", {"category": "fallfuehrung", "text": "Rückruf erfolgt"}, user="rav")
    api.ok(case_id, "journal", {"category": "sozialhilfe", "text": "Budget angepasst"})
    assert _etag(api, case_id, "sd") != read
    first = api.client.patch(url, json={"reassessment_interval_months": 4}, headers=api.headers("sd", read))
    assert first.status_code == 200, first.text
    # The core itself moved since `read`: now the same tag is stale.
    second = api.client.patch(url, json={"reassessment_interval_months": 3}, headers=api.headers("sd", read))
    assert second.status_code == 412
    assert api.get_case(case_id).json()["fallfuehrung"]["reassessment_interval_months"] == 4


def test_a_record_changed_by_someone_else_is_a_conflict_for_its_section(api: Api) -> None:
    case_id = api.open_case("sd")["id"]
    goal = api.post(case_id, "plan/goals", {"title": "Deutsch B1"})
    goal_id = goal.json()["integrationsplan"]["goals"][-1]["id"]
    url = f"/api/v1/cases/{case_id}/plan/goals/{goal_id}"
    read = goal.headers["ETag"]
    first = api.client.patch(url, json={"title": "Deutsch B2"}, headers=api.headers("sd", read))
    assert first.status_code == 200, first.text
    stale = api.client.patch(url, json={"title": "Deutsch A2"}, headers=api.headers("sd", read))
    assert stale.status_code == 412
    goals = api.get_case(case_id).json()["integrationsplan"]["goals"]
    assert [g["title"] for g in goals] == ["Deutsch B2"]


def test_every_add_only_record_needs_no_if_match(api: Api) -> None:
    case_id = api.open_case("sd")["id"]
    bodies = {
        "journal": {"category": "fallfuehrung", "text": "Notiz"},
        "plan/goals": {"title": "Ziel"},
        "plan/measures": {"title": "Coaching", "kind": "job_coaching"},
        "reviews": {"held_on": days_ago(1), "summary": "gut"},
        "assessments": {"kind": "praxisassessment", "assessed_on": days_ago(2), "findings": "belastbar"},
        "conferences": {
            "held_on": days_ago(1),
            "participant_institution_ids": [str(api.world.sozialdienst.id)],
            "decisions": "weiter",
        },
    }
    for path, body in bodies.items():
        response = api.post(case_id, path, body)
        assert response.status_code == 201, f"{path}: {response.text}"
    assert api.get_case(case_id).json()["version"] == 1  # the core did not move


def test_simultaneous_journal_entries_on_one_case_are_all_saved(api: Api, container: Container) -> None:
    case_id = uuid.UUID(_shared_with_the_rav(api))
    authors = [api.world.users["sd"].as_principal(), api.world.users["rav"].as_principal()]
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        ctx = container.context_for(authors[n % 2], f"journal-{n}")
        entry = records.NewJournalEntry(DataCategory.FALLFUEHRUNG, f"Eintrag {n}")
        start.wait()
        records.add_journal_entry(container.uow_factory(), ctx, case_id, None, entry)

    with ThreadPoolExecutor(WRITERS) as pool:
        for future in [pool.submit(write, n) for n in range(WRITERS)]:
            future.result()  # no conflict, no error

    journal = api.get_case(str(case_id)).json()["fallfuehrung"]["journal"]
    assert sorted(e["text"] for e in journal) == sorted(f"Eintrag {n}" for n in range(WRITERS))


def test_journal_entries_and_a_change_of_the_core_at_once_all_hold(api: Api, container: Container) -> None:
    case_id = uuid.UUID(api.open_case("sd")["id"])
    principal = api.world.users["sd"].as_principal()
    start = threading.Barrier(WRITERS + 1)

    def write(n: int) -> None:
        entry = records.NewJournalEntry(DataCategory.FALLFUEHRUNG, f"Eintrag {n}")
        start.wait()
        records.add_journal_entry(
            container.uow_factory(), container.context_for(principal, f"j-{n}"), case_id, None, entry
        )

    def change_core() -> None:
        settings = cases.CaseSettings(reassessment_interval_months=4)
        start.wait()
        cases.change_case_settings(
            container.uow_factory(), container.context_for(principal, "core"), case_id, None, settings
        )

    with ThreadPoolExecutor(WRITERS + 1) as pool:
        futures = [pool.submit(write, n) for n in range(WRITERS)] + [pool.submit(change_core)]
        for future in futures:
            future.result()

    body = api.get_case(str(case_id)).json()
    assert len(body["fallfuehrung"]["journal"]) == WRITERS
    assert body["fallfuehrung"]["reassessment_interval_months"] == 4
    assert body["version"] == 2
