"""The Pendenzen ask the database only for what can be due: plain due dates beside the sealed items
keep the list's statements independent of how many cases the institution has; the worker raises
"due soon", "overdue" and "escalated" for every kind of Pendenz, once each."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.adapters.db.models import CaseItemRow
from app.adapters.events.models import OutboxEventRow
from app.adapters.events.pendenz_events import raise_pendenz_events
from app.bootstrap import Container
from app.domain.dates import add_months
from app.domain.pendenzen import PendenzenRules
from tests.api_helpers import Api, client_with
from tests.integration.test_api_iiz_process import Clock, _of_case, _pendenzen
from tests.statements import counted
from tests.world import World


def _quiet_case(api: Api) -> str:
    """A case with nothing due within the preview: segmented, a goal far ahead."""
    case = api.open_case("sd", opened_days_ago=0)
    api.ok(case["id"], "segment", {"segment": "V", "reason": "Potenzial"})
    far = add_months(datetime.now(UTC).date(), 9).isoformat()
    api.ok(case["id"], "plan/goals", {"title": "Stelle", "target_on": far})
    return str(case["id"])


def _due_case(api: Api) -> str:
    case = api.open_case("sd", opened_days_ago=0)
    api.ok(case["id"], "segment", {"segment": "V", "reason": "Potenzial"})
    soon = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    api.ok(case["id"], "plan/goals", {"title": "Bewerbungsdossier", "target_on": soon})
    return str(case["id"])


def test_the_pendenzen_run_the_same_statements_however_many_quiet_cases(api: Api, engine: Engine) -> None:
    due = _due_case(api)
    _quiet_case(api)

    def listed() -> tuple[int, list[dict[str, Any]]]:
        with counted(engine) as statements:
            items = _pendenzen(api, "lead", "institution")
        return len(statements), items

    before, items = listed()
    assert {(p["kind"], p["case_id"]) for p in items} == {("goal", due)}
    for _ in range(6):
        _quiet_case(api)
    after, items = listed()
    assert {(p["kind"], p["case_id"]) for p in items} == {("goal", due)}
    assert after == before, (before, after)


def test_a_goal_due_soon_keeps_its_date_beside_the_sealed_item(api: Api, engine: Engine) -> None:
    case_id = _due_case(api)
    with Session(engine) as session:
        rows = session.execute(
            select(CaseItemRow.kind, CaseItemRow.due_kind, CaseItemRow.due_on).where(
                CaseItemRow.case_id == uuid.UUID(case_id)
            )
        ).all()
    dated = {(kind, due_kind) for kind, due_kind, due_on in rows if due_on is not None}
    assert dated == {("goal", "goal")}
    assert {due_kind for kind, due_kind, _ in rows if kind != "goal"} == {"none"}


def _raise(engine: Engine, clock: Clock) -> int:
    with Session(engine) as session, session.begin():
        return raise_pendenz_events(session, clock.now(), clock.today, PendenzenRules())


def _raised(engine: Engine, case_id: str) -> Counter[tuple[str, str]]:
    with Session(engine) as session:
        keys = session.scalars(
            select(OutboxEventRow.dedupe_key).where(OutboxEventRow.dedupe_key.like(f"%{case_id}%"))
        ).all()
    return Counter((key.split(":")[0], key.split(":")[1]) for key in keys if key)


def test_every_kind_of_pendenz_raises_its_events_once(
    container: Container, world: World, engine: Engine
) -> None:
    clock = Clock()
    clock.current = datetime.now(UTC) + timedelta(minutes=5)  # the consent form is signed before
    with client_with(container, clock=clock) as client:
        api = Api(client, world)
        case = api.open_case("sd", opened_days_ago=0, opened_on=clock.today.isoformat())
        case_id = case["id"]
        api.ok(case_id, "segment", {"segment": "V", "reason": "Potenzial"})
        api.add_participant(case_id, world.rav.id)
        api.ok(case_id, "participants", {"institution_id": str(world.iv.id), "local_reference": "IV-9"})
        in_days = lambda n: (clock.today + timedelta(days=n)).isoformat()  # noqa: E731
        api.ok(case_id, "plan/goals", {"title": "Bewerbungsdossier", "target_on": in_days(10)})
        api.ok(
            case_id,
            "plan/measures",
            {"title": "Kurs", "kind": "social_integration", "status": "planned", "end_on": in_days(12)},
        )
        api.grant_consent(
            case_id,
            [(world.sozialdienst.id, world.rav.id)],
            ["integrationsplan"],
            valid_until=(clock.now() + timedelta(days=20)).isoformat(),
        )
        planned = api.ok(
            case_id,
            "conferences/scheduled",
            {
                "planned_on": in_days(1),
                "invited_institution_ids": [str(world.rav.id)],
                "client_attends": False,
            },
        )
        conference = planned["fallfuehrung"]["conferences"][0]
        assert _raise(engine, clock) > 0
        first = _raised(engine, case_id)
        assert {kind for (event, kind) in first if event == "pendenz.due_soon"} >= {
            "goal",
            "measure",
            "consent_expiry",
            "invitation",
            "conference",
        }
        assert _raise(engine, clock) == 0  # once per occasion
        assert _raised(engine, case_id) == first

        clock.advance(days=1)
        api.ok(
            case_id,
            f"conferences/{conference['id']}/minutes",
            {
                "decisions": "RAV klärt ab",
                "action_items": [
                    {"title": "Abklärung", "owner_institution_id": str(world.rav.id), "due_on": in_days(5)}
                ],
            },
        )
        _raise(engine, clock)
        assert ("pendenz.due_soon", "action_item") in _raised(engine, case_id)

        clock.advance(days=30)  # the goal and the measure are long overdue, the action item too
        _raise(engine, clock)
        raised = _raised(engine, case_id)
        for kind in ("goal", "measure", "action_item"):
            assert raised[("pendenz.overdue", kind)] == 1, kind
            assert raised[("pendenz.escalated", kind)] == 1, kind
        assert _raise(engine, clock) == 0


def test_a_consent_awaiting_the_data_owner_is_its_pendenz_and_raises_its_event_once(
    api: Api, engine: Engine
) -> None:
    case = api.open_case("sd")
    case_id = case["id"]
    api.add_participant(case_id, api.world.rav.id)
    # The RAV records a consent releasing the Sozialdienst's data: the Sozialdienst has to confirm.
    api.grant_consent(case_id, [(api.world.sozialdienst.id, api.world.rav.id)], ["sozialhilfe"], user="rav")
    assert ("consent_pending", "fallfuehrend", "due") in _of_case(_pendenzen(api, "sd"), case_id)
    assert ("consent_pending", "zur_kenntnis", "due") in _of_case(_pendenzen(api, "rav"), case_id)

    clock = Clock()
    clock.current = datetime.now(UTC)
    _raise(engine, clock)
    assert _raised(engine, case_id)[("pendenz.due_soon", "consent_pending")] == 1
    assert _raise(engine, clock) == 0

    consent = api.client.get(f"/api/v1/cases/{case_id}/consents", headers=api.headers("sd")).json()["items"][
        0
    ]
    confirmed = api.client.post(
        f"/api/v1/cases/{case_id}/consents/{consent['id']}/confirmation", headers=api.headers("sd")
    )
    assert confirmed.status_code in (200, 201, 204), confirmed.text
    assert "consent_pending" not in {k for k, *_ in _of_case(_pendenzen(api, "sd"), case_id)}
