"""Rotation runs online: a concurrent reader keeps reading and a writer keeps writing between batches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.crypto_models import DataKeyRow, KeySecretRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import PersonRow
from app.adapters.key_rotation import rebuild_indexes, rewrap_all, start_index_rotation
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.ahvn13 import Ahvn13
from app.domain.persons import Person
from tests.api_helpers import new_ahvn13
from tests.world import World

WAIT = 30  # seconds; a safety net against a hang, never a timing assumption


class ReaderBetweenBatches:
    """A reader thread that does one full read after every batch the rotation commits."""

    def __init__(self, read: Callable[[], list[str]]) -> None:
        self._read = read
        self._batch_done = threading.Event()
        self._read_done = threading.Event()
        self._finished = False
        self.results: list[list[str]] = []
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ReaderBetweenBatches:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._finished = True
        self._batch_done.set()
        self._thread.join(WAIT)

    def after_batch(self, _count: int) -> None:
        self._read_done.clear()
        self._batch_done.set()
        assert self._read_done.wait(WAIT), "reader did not answer"

    def _run(self) -> None:
        while True:
            self._batch_done.wait(WAIT)
            self._batch_done.clear()
            if self._finished:
                return
            try:
                self.results.append(self._read())
            except BaseException as error:  # recorded for the assertion in the test thread
                self.errors.append(error)
            finally:
                self._read_done.set()


def _register(uow_factory: Callable[[], SqlUnitOfWork], world: World, family_name: str) -> Person:
    person = Person(Ahvn13.parse(new_ahvn13()), family_name, "Test", date(1980, 1, 1), world.sozialdienst.id)
    with uow_factory() as uow:
        uow.persons.add(person)
    return person


def test_kek_rotation_keeps_reads_and_writes_working(engine: Engine, world: World) -> None:
    provider = LocalKeyring.in_memory()
    session_factory = make_session_factory(engine)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, vault=Vault(provider))

    persons = [_register(uow_factory, world, f"Person{i}") for i in range(5)]
    # The reader's vault caches nothing: every read unwraps through the provider.
    reader_vault = Vault(provider, cache_size=0)

    def read_all() -> list[str]:
        with SqlUnitOfWork(session_factory, vault=reader_vault) as uow:
            return [uow.persons.get(p.id).family_name for p in persons]  # type: ignore[union-attr]

    old_kek = provider.current_kek_id()
    new_kek = provider.create_kek()
    written: list[Person] = []
    with ReaderBetweenBatches(read_all) as reader:

        def after_batch(count: int) -> None:
            reader.after_batch(count)
            if not written:
                written.append(_register(uow_factory, world, "WährendRotation"))

        report = rewrap_all(session_factory, Vault(provider), batch_size=2, progress=after_batch)

    assert reader.errors == []
    assert len(reader.results) >= 3  # 5 data keys in batches of 2, plus the secrets
    assert all(names == [p.family_name for p in persons] for names in reader.results)
    assert report.done >= 5
    with session_factory() as session:
        assert set(session.scalars(select(DataKeyRow.kek_id))) == {new_kek}
        assert set(session.scalars(select(KeySecretRow.kek_id))) == {new_kek}
    assert old_kek != new_kek
    with uow_factory() as uow:
        assert uow.persons.get(written[0].id).family_name == "WährendRotation"  # type: ignore[union-attr]


def test_an_interrupted_kek_rotation_resumes_where_it_stopped(engine: Engine, world: World) -> None:
    provider = LocalKeyring.in_memory()
    session_factory = make_session_factory(engine)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, vault=Vault(provider))

    for i in range(4):
        _register(uow_factory, world, f"Person{i}")
    provider.create_kek()

    class Interrupted(Exception):
        pass

    def crash_after_first_batch(_count: int) -> None:
        raise Interrupted()

    with pytest.raises(Interrupted):
        rewrap_all(session_factory, Vault(provider), batch_size=2, progress=crash_after_first_batch)
    with session_factory() as session:
        assert len(set(session.scalars(select(DataKeyRow.kek_id)))) == 2  # half done
    with session_factory() as session:
        index_keys = len(session.scalars(select(KeySecretRow.id)).all())  # one per indexed column
    resumed = rewrap_all(session_factory, Vault(provider), batch_size=2)
    assert resumed.done == 2 + index_keys  # the other two data keys and the index keys
    with session_factory() as session:
        assert set(session.scalars(select(DataKeyRow.kek_id))) == {provider.current_kek_id()}


def test_index_rotation_keeps_lookups_working_and_retires_the_old_keys(
    engine: Engine, world: World, vault: Vault
) -> None:
    session_factory = make_session_factory(engine)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, vault=vault)

    persons = [_register(uow_factory, world, f"Person{i}") for i in range(5)]
    with session_factory() as session:
        old_indexes = {row.id: row.ahvn13_index for row in session.scalars(select(PersonRow))}

    def look_up_all() -> list[str]:
        with uow_factory() as uow:
            found = [uow.persons.by_ahvn13(p.ahvn13) for p in persons]
            by_name = [
                uow.persons.by_name_and_birth_date(p.family_name, "test", p.birth_date) for p in persons
            ]
        assert all(len(matches) == 1 for matches in by_name)
        return [p.family_name if p else "?" for p in found]

    version = start_index_rotation(session_factory, vault)
    with ReaderBetweenBatches(look_up_all) as reader:
        rebuild_indexes(session_factory, vault, version, batch_size=2, progress=reader.after_batch)

    assert reader.errors == []
    assert len(reader.results) == 3
    assert all(names == [p.family_name for p in persons] for names in reader.results)
    with session_factory() as session:
        rows = list(session.scalars(select(PersonRow)))
        states = {(s.purpose, s.version): s.state for s in session.scalars(select(KeySecretRow))}
    assert {row.index_version for row in rows} == {version}
    assert all(old_indexes[row.id] != row.ahvn13_index for row in rows)
    assert {
        state for (purpose, v), state in states.items() if purpose.startswith("index:") and v < version
    } == {"retired"}
    assert look_up_all() == [p.family_name for p in persons]
