"""Migration 0018 keeps the due dates in plain text without keys: existing items stay "not yet
indexed" (their case is opened by the Pendenzen as before), open referrals get the earlier decision
date, consents awaiting a data owner are marked; a downgrade and upgrade keep every item."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text

from app.adapters.db import migrations
from tests.api_helpers import Api


def _rows(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_existing_rows_are_marked_without_keys_and_every_item_stays(
    api: Api, database_url: str, engine: Engine
) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "plan/goals", {"title": "Ziel", "target_on": "2099-01-01"})
    api.add_participant(case["id"], api.world.rav.id)
    api.grant_consent(
        case["id"], [(api.world.sozialdienst.id, api.world.rav.id)], ["sozialhilfe"], user="rav"
    )
    person = api.register_person("rav")
    referral = api.client.post(
        "/api/v1/referrals",
        json={
            "person_id": person["id"],
            "region_institution_id": str(api.world.sozialdienst.id),
            "reason": "x",
        },
        headers=api.headers("rav"),
    ).json()
    items = _rows(engine, "SELECT count(*) FROM case_items")
    engine.dispose()

    migrations.downgrade(database_url, "0019")
    assert _rows(engine, "SELECT count(*) FROM case_items") == items
    engine.dispose()
    migrations.upgrade(database_url)

    assert _rows(engine, "SELECT count(*) FROM case_items") == items
    assert {due_kind for (due_kind,) in _rows(engine, "SELECT due_kind FROM case_items")} == {None}
    (due,) = _rows(engine, "SELECT decision_due_on, referred_on FROM referrals")
    referred_on = date.fromisoformat(referral["referred_on"])
    assert str(due[0]) == str(referred_on + timedelta(days=5))  # the earlier of the two decision dates
    assert [bool(a) for (a,) in _rows(engine, "SELECT awaiting_confirmation FROM consents")] == [True]
    # The case is still among the Pendenzen's candidates.
    pending = api.client.get("/api/v1/pendenzen", headers=api.headers("sd")).json()["items"]
    assert any(p["kind"] == "consent_pending" and p["case_id"] == case["id"] for p in pending)
