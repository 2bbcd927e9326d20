"""Crypto-shredding: past retention, a person's data key is destroyed for good, across restarts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.adapters.crypto import receipts
from app.adapters.db.crypto_models import DataKeyRow, DeletionReceiptRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import PersonRow
from app.bootstrap import build_container
from app.entrypoints.api.app import create_app
from app.entrypoints.cli.main import app as cli
from app.settings import Settings
from tests.api_helpers import Api, days_ago
from tests.audit_log import audit_events
from tests.world import World, build_world

DELETED = "Die Daten dieser Person wurden nach Ablauf der Aufbewahrungsfrist endgültig gelöscht."


@pytest.fixture
def environment(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as an operator sets them: a keyring file, retention of 0 years for cases in intake."""
    values = {
        "COCKPIT_ENVIRONMENT": "test",
        "COCKPIT_DATABASE_URL": database_url,
        "COCKPIT_KEYRING_PATH": str(tmp_path / "keyring.json"),
        "COCKPIT_RETENTION_YEARS": json.dumps({"intake": 0}),
        "COCKPIT_RECEIPT_DIR": str(tmp_path / "receipts"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.fixture
def running(environment: Settings) -> Iterator[tuple[TestClient, World]]:
    container = build_container(environment)
    world = build_world(container.uow_factory)
    with TestClient(create_app(environment, container), raise_server_exceptions=False) as client:
        yield client, world
    container.engine.dispose()


def _restart(settings: Settings) -> TestClient:
    return TestClient(create_app(settings, build_container(settings)), raise_server_exceptions=False)


def test_retention_run_shreds_the_person_and_the_api_says_so_in_german(
    running: tuple[TestClient, World], environment: Settings
) -> None:
    client, world = running
    api = Api(client, world)
    case = api.open_case("sd")
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    kept = api.open_case("sd", opened_days_ago=10)
    api.ok(kept["id"], "segment", {"segment": "V", "assessed_on": days_ago(5)})
    api.ok(kept["id"], "intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    api.ok(kept["id"], "activation", {})  # an active case: its phase has no retention rule
    person_id = case["person_id"]

    result = CliRunner().invoke(cli, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 Personen gelöscht")

    person = client.get(f"/api/v1/persons/{person_id}", headers=world.as_user("sd"))
    assert (person.status_code, person.json()["detail"]) == (410, DELETED)
    assert person.json()["title"] == "Daten gelöscht"
    assert api.get_case(case["id"]).status_code == 410
    assert api.get_case(case["id"], user="olten").status_code == 404  # not on the case: as if missing
    assert client.get(f"/api/v1/persons/{person_id}", headers=world.as_user("olten")).status_code == 404
    assert api.get_case(kept["id"]).status_code == 200
    lookup = client.post(
        "/api/v1/persons/lookup", json={"ahvn13": case["stammdaten"]["ahvn13"]}, headers=world.as_user("sd")
    )
    assert lookup.status_code == 404

    restarted = _restart(environment)
    assert restarted.get(f"/api/v1/persons/{person_id}", headers=world.as_user("sd")).status_code == 410
    assert restarted.get(f"/api/v1/cases/{case['id']}", headers=world.as_user("sd")).status_code == 410
    assert restarted.get(f"/api/v1/cases/{kept['id']}", headers=world.as_user("sd")).status_code == 200


def test_shredding_leaves_the_rows_a_destroy_event_and_a_signed_receipt(
    running: tuple[TestClient, World], environment: Settings
) -> None:
    client, world = running
    case = Api(client, world).open_case("sd")
    person_id = uuid.UUID(case["person_id"])

    assert CliRunner().invoke(cli, ["retention", "run"]).exit_code == 0

    container = build_container(environment)
    with make_session_factory(container.engine)() as session:
        person_row = session.get(PersonRow, person_id)
        key_row = session.scalar(select(DataKeyRow).where(DataKeyRow.person_id == person_id))
        receipt_row = session.scalar(
            select(DeletionReceiptRow).where(DeletionReceiptRow.person_id == person_id)
        )
    assert person_row is not None and person_row.sealed_data  # the row is still there
    assert (person_row.ahvn13_index, person_row.name_index) == (None, None)
    assert key_row is not None and key_row.wrapped is None and key_row.destroyed_at is not None
    destroy = [e for e in audit_events(container.engine) if e.action == "destroy"]
    assert [(e.person_id, e.actor_kind, e.outcome) for e in destroy] == [(person_id, "system", "allowed")]
    container.engine.dispose()

    assert receipt_row is not None
    files = list(environment.receipt_dir.glob("*.json"))
    assert len(files) == 1
    document = json.loads(files[0].read_text(encoding="utf-8"))
    assert document["body"]["person_id"] == str(person_id)
    assert document["signed_body"] == receipt_row.body
    assert receipts.verify(document["public_key"], document["signed_body"], document["signature"])
    assert not receipts.verify(
        document["public_key"], document["signed_body"].replace("0", "1"), document["signature"]
    )
    published = CliRunner().invoke(cli, ["keys", "receipt-public-key"])
    assert published.output.strip() == document["public_key"]
    assert str(destroy[0].record_ids[0]) == document["body"]["receipt_id"]


def test_a_second_run_destroys_nothing_more(running: tuple[TestClient, World]) -> None:
    client, world = running
    Api(client, world).open_case("sd")
    assert CliRunner().invoke(cli, ["retention", "run"]).output.startswith("1 ")
    again = CliRunner().invoke(cli, ["retention", "run"])
    assert again.output.startswith("0 ")
    dry = CliRunner().invoke(cli, ["retention", "run", "--dry-run"])
    assert dry.output.startswith("0 ")


def test_a_person_without_a_case_is_shredded_after_the_configured_days(
    environment: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = build_container(environment)
    world = build_world(container.uow_factory)
    with TestClient(create_app(environment, container), raise_server_exceptions=False) as client:
        api = Api(client, world)
        person = api.register_person("sd")
        with_case = api.open_case("sd")
    monkeypatch.setenv("COCKPIT_RETENTION_YEARS", json.dumps({"archived": 10}))  # the case stays open
    monkeypatch.setenv("COCKPIT_RETENTION_UNLINKED_PERSON_DAYS", "30")
    too_early = CliRunner().invoke(cli, ["retention", "run", "--dry-run", "--today", days_ago(-29)])
    assert "0 Personen" in too_early.output
    result = CliRunner().invoke(cli, ["retention", "run", "--today", days_ago(-31)])
    assert result.exit_code == 0, result.output
    assert "1 Personen gelöscht" in result.output
    with make_session_factory(container.engine)() as session:
        destroyed = {row.person_id for row in session.scalars(select(DataKeyRow)) if row.wrapped is None}
    assert destroyed == {uuid.UUID(person["id"])}
    assert uuid.UUID(with_case["person_id"]) not in destroyed
    container.engine.dispose()
