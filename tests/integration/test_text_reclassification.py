"""`cockpit cases reclassify-texts`: free texts that older cases hold inside facts of the shared core
are re-sealed as notes under their author institution's own category; counted first with a dry
run, idempotent, resumable and audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from app.adapters.db.models import AuditEventRow, CaseItemRow
from app.bootstrap import build_container
from app.domain.ahvn13 import Ahvn13, ean13_check_digit
from app.domain.cases import (
    CaseConference,
    CasePhase,
    Closure,
    ClosureReason,
    FollowUp,
    NoteKind,
    Segment,
    SegmentAssessment,
    SharedCase,
)
from app.domain.cases.case import follow_up_ends_on
from app.domain.persons import Person
from app.entrypoints.cli.main import app as cli
from app.services.ports import UnitOfWork
from app.services.text_reclassification import OPERATION, reclassify_texts
from app.settings import Settings
from tests.api_helpers import Api
from tests.world import World, build_world

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
REASON = "Belastbarkeit auf 50 % gesteigert"
MINUTES = "Rückenschonende Tätigkeit"
CLOSURE_NOTE = "Festanstellung trotz Diskushernie"
REMAINING = "Mietzinsbeitrag bleibt"
FOLLOW_UP_NOTE = "Schmerzen im Griff"
LEGACY_TEXTS = (REASON, MINUTES, CLOSURE_NOTE, REMAINING, FOLLOW_UP_NOTE)


def _legacy_case(api: Api, uow_factory: Callable[[], UnitOfWork]) -> uuid.UUID:
    return _store_legacy_case(api.world, uow_factory)


def _store_legacy_case(world: World, uow_factory: Callable[[], UnitOfWork]) -> uuid.UUID:
    """A case as recorded before free texts carried their own category: every text in `fallfuehrung`."""
    sd, rav, by = world.sozialdienst.id, world.rav.id, world.users["sd"].id
    digits = f"756{uuid.uuid4().int % 10**9:09d}"
    person = Person(
        ahvn13=Ahvn13(digits + str(ean13_check_digit(digits))),
        family_name="Brunner",
        given_name="Lina",
        birth_date=date(1979, 5, 4),
        registered_by_institution_id=sd,
    )
    case = SharedCase.open(
        person_id=person.id,
        lead_institution_id=sd,
        local_reference="SD-1",
        opened_on=date(2025, 1, 6),
        today=TODAY,
    )
    case.add_participant(rav, "RAV-1", date(2025, 1, 10), TODAY)
    case.segment_history += [
        SegmentAssessment(Segment.ORIENTIEREN, date(2025, 1, 15), "", sd, by, NOW),
        SegmentAssessment(Segment.VERAENDERN, date(2025, 3, 1), REASON, sd, by, NOW),
    ]
    case.conferences.append(CaseConference(date(2025, 3, 5), sd, [sd, rav], MINUTES, by, NOW))
    case.phase = CasePhase.CLOSED
    closed_on = date(2025, 4, 1)
    case.closure = Closure(closed_on, ClosureReason.TEILABLOESUNG, CLOSURE_NOTE, sd, by, remaining=REMAINING)
    case.ends_on = follow_up_ends_on(closed_on)
    case.follow_up = FollowUp(case.ends_on, sd, note=FOLLOW_UP_NOTE)
    with uow_factory() as uow:
        uow.persons.add(person)
        uow.cases.add(case)
    return case.id


def _core_items(engine: Engine, case_id: uuid.UUID) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(CaseItemRow.kind, CaseItemRow.category).where(CaseItemRow.case_id == case_id)
        ).all()
    counted: dict[str, int] = {}
    for kind, category in rows:
        key = f"{kind}:{category}"
        counted[key] = counted.get(key, 0) + 1
    return counted


def _events(engine: Engine, case_id: uuid.UUID) -> list[AuditEventRow]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(AuditEventRow).where(
                    AuditEventRow.case_id == case_id, AuditEventRow.operation == OPERATION
                )
            ).all()
        )


def test_dry_run_counts_and_changes_nothing(
    api: Api, uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    case_id = _legacy_case(api, uow_factory)
    before = _core_items(engine, case_id)

    report = reclassify_texts(uow_factory, NOW, dry_run=True)

    assert report.cases_changed == 1
    assert dict(report.texts) == {
        NoteKind.SEGMENT_REASON: 1,
        NoteKind.MINUTES: 1,
        NoteKind.CLOSURE: 1,
        NoteKind.REMAINING: 1,
        NoteKind.FOLLOW_UP: 1,
    }
    assert _core_items(engine, case_id) == before
    assert _events(engine, case_id) == []
    assert REASON in api.get_case(str(case_id), user="rav-lead").text  # still in the shared core


def test_texts_move_to_the_authors_own_category_once_and_audited(
    api: Api, uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    case_id = _legacy_case(api, uow_factory)
    seen_before = api.get_case(str(case_id), user="rav-lead")
    assert all(text in seen_before.text for text in LEGACY_TEXTS)  # what the job is for

    report = reclassify_texts(uow_factory, NOW, batch_size=1)

    assert (report.cases_changed, report.moved) == (1, 5)
    assert _core_items(engine, case_id)["note:sozialhilfe"] == 5
    seen_by_rav = api.get_case(str(case_id), user="rav-lead")
    assert seen_by_rav.status_code == 200
    assert not any(text in seen_by_rav.text for text in LEGACY_TEXTS)
    core = seen_by_rav.json()["fallfuehrung"]
    assert (core["segment"]["current"], core["closure"]["reason"]) == ("V", "teilabloesung")
    own = api.get_case(str(case_id), user="lead").json()
    texts = {n["kind"]: n["text"] for n in own["sozialhilfe"]["notes"]}
    assert texts == {
        "segment_reason": REASON,
        "minutes": MINUTES,
        "closure": CLOSURE_NOTE,
        "remaining": REMAINING,
        "follow_up": FOLLOW_UP_NOTE,
    }
    assert own["fallfuehrung"]["closure"]["note_id"] is not None

    [event] = _events(engine, case_id)
    assert (event.action, event.outcome, event.actor_name) == ("change", "allowed", "reclassify-texts")
    assert set(event.categories) == {"fallfuehrung", "sozialhilfe"}
    assert len(event.record_ids) == 5
    assert not any(text in event.reason for text in LEGACY_TEXTS)

    again = reclassify_texts(uow_factory, NOW)
    assert (again.cases_changed, again.moved) == (0, 0)
    assert len(_events(engine, case_id)) == 1


def test_an_interrupted_run_continues_after_the_last_case(
    api: Api, uow_factory: Callable[[], UnitOfWork], engine: Engine
) -> None:
    first, second = sorted([_legacy_case(api, uow_factory), _legacy_case(api, uow_factory)])

    report = reclassify_texts(uow_factory, NOW, after=first)

    assert report.cases_changed == 1
    assert _events(engine, first) == []
    assert len(_events(engine, second)) == 1


def test_the_command_counts_first_then_moves(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_ENVIRONMENT", "test")
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COCKPIT_KEYRING_PATH", str(tmp_path / "keyring.json"))
    container = build_container(Settings())
    try:
        world = build_world(container.uow_factory)
        _store_legacy_case(world, container.uow_factory)

        counted = CliRunner().invoke(cli, ["cases", "reclassify-texts", "--dry-run"])
        assert counted.exit_code == 0, counted.output
        assert "1 betroffen; 5 Texte würden verschoben" in counted.output
        moved = CliRunner().invoke(cli, ["cases", "reclassify-texts", "--batch-size", "1"])
        assert "1 betroffen; 5 Texte verschoben" in moved.output
        again = CliRunner().invoke(cli, ["cases", "reclassify-texts"])
        assert "0 betroffen; 0 Texte verschoben." in again.output
    finally:
        container.engine.dispose()
