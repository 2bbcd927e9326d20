"""Migration 0008 moves the end of the follow-up period into `cases.case_ends_on` without keys, and
keeps every case item (a table copy on SQLite would cascade-delete them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, text

from app.adapters.db import migrations
from app.domain.ahvn13 import Ahvn13
from app.domain.cases import ClosureReason
from app.services import cases, closure, persons
from app.services.context import RequestContext
from app.services.ports import UnitOfWork
from tests.api_helpers import new_ahvn13
from tests.world import World


def _closed_case_with_pending_follow_up(uow_factory: Callable[[], UnitOfWork], world: World) -> date:
    ctx = RequestContext(world.users["sd"].as_principal(), "migration", datetime.now(UTC))
    person = persons.register_person(
        uow_factory(), ctx, persons.PersonData(Ahvn13.parse(new_ahvn13()), "Muster", "Alex", date(1990, 5, 5))
    )
    opened = cases.open_case(
        uow_factory(), ctx, cases.OpenCase(person.id, "R-1", date.today() - timedelta(90)), 6
    )
    view = closure.close_case(
        uow_factory(),
        ctx,
        opened.case.id,
        None,
        ClosureReason.ERWERBSARBEIT,
        date.today() - timedelta(10),
        "",
    )
    assert view.case.ends_on is not None
    return view.case.ends_on


def _column(engine: Engine, name: str) -> list[str]:
    with engine.connect() as connection:
        return [str(value) for value in connection.execute(text(f"SELECT {name} FROM cases")).scalars()]


def _items(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM case_items")).scalar_one())


def test_the_end_of_follow_up_survives_a_downgrade_and_upgrade_with_every_item(
    database_url: str, engine: Engine, uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    ends_on = _closed_case_with_pending_follow_up(uow_factory, world)
    items = _items(engine)
    assert items >= 2  # the closure and the follow-up, at least
    engine.dispose()

    migrations.downgrade(database_url, "0007")
    assert _column(engine, "follow_up_due_on") == [str(ends_on)]
    assert _items(engine) == items
    engine.dispose()

    migrations.upgrade(database_url, "0008")  # later revisions index what only the keys open
    assert _column(engine, "case_ends_on") == [str(ends_on)]
    assert _items(engine) == items
