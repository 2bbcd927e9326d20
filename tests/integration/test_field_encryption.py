"""Sealed rows in the database: moved ciphertexts are refused; withheld items are never decrypted."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from app.adapters.crypto.envelope import DataKey, DecryptionRefused, Place
from app.adapters.crypto.vault import Vault
from app.adapters.db.access_models import ConsentEvidenceFileRow
from app.adapters.db.engine import make_session_factory
from app.adapters.db.models import CaseItemRow, PersonRow
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.categories import DataCategory
from app.domain.principal import Principal, PrincipalKind
from app.services.access.case_work import read_case
from app.services.context import RequestContext
from app.services.ports import UnitOfWork
from tests.api_helpers import SIGNED_FORM, Api


def _swap(engine: Engine, table: Any, column: Any, first: uuid.UUID, second: uuid.UUID) -> None:
    with make_session_factory(engine)() as session:
        a = session.scalar(select(column).where(table.id == first))
        b = session.scalar(select(column).where(table.id == second))
        session.execute(update(table).where(table.id == first).values({column.key: b}))
        session.execute(update(table).where(table.id == second).values({column.key: a}))
        session.commit()


def _items(engine: Engine, case_id: str) -> list[CaseItemRow]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(CaseItemRow).where(CaseItemRow.case_id == uuid.UUID(case_id))))


def test_stammdaten_swapped_between_persons_are_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    first, second = api.register_person(), api.register_person(family_name="Frei")
    _swap(engine, PersonRow, PersonRow.sealed_data, uuid.UUID(first["id"]), uuid.UUID(second["id"]))
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.persons.get(uuid.UUID(first["id"]))


def test_case_content_swapped_between_rows_is_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    case = api.open_case()
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Miete übernommen"})
    first, second = _items(engine, case["id"])[:2]
    _swap(engine, CaseItemRow, CaseItemRow.sealed_content, first.id, second.id)
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.cases.get(uuid.UUID(case["id"]))


def test_case_content_moved_to_another_persons_case_is_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    cases = [api.open_case(), api.open_case()]
    for case in cases:
        api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    victim = _items(engine, cases[0]["id"])[-1]
    donor = _items(engine, cases[1]["id"])[-1]
    _swap(engine, CaseItemRow, CaseItemRow.sealed_content, victim.id, donor.id)
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.cases.get(uuid.UUID(cases[0]["id"]))


def test_stammdaten_copied_into_a_case_item_column_is_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    case = api.open_case()
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    item = _items(engine, case["id"])[-1]
    with make_session_factory(engine)() as session:
        sealed_person = session.scalar(
            select(PersonRow.sealed_data).where(PersonRow.id == uuid.UUID(case["person_id"]))
        )
        session.execute(
            update(CaseItemRow).where(CaseItemRow.id == item.id).values(sealed_content=sealed_person)
        )
        session.commit()
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.cases.get(uuid.UUID(case["id"]))


def test_a_flipped_bit_in_the_database_is_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    person = api.register_person()
    with make_session_factory(engine)() as session:
        row = session.get(PersonRow, uuid.UUID(person["id"]))
        assert row is not None
        flipped = bytearray(row.sealed_data)
        flipped[-20] ^= 0x01
        row.sealed_data = bytes(flipped)
        session.commit()
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.persons.get(uuid.UUID(person["id"]))


def test_lookup_by_name_and_birth_date_goes_through_the_blind_index(
    api: Api, uow_factory: Callable[[], UnitOfWork]
) -> None:
    registered = api.register_person(family_name="Müller", given_name="Anna Lena", birth_date="1984-03-12")
    api.register_person(family_name="Müller", given_name="Anna Lena", birth_date="1984-03-13")
    with uow_factory() as uow:
        found = uow.persons.by_name_and_birth_date("MU\u0308LLER", "anna  lena", date(1984, 3, 12))
        assert [p.id for p in found] == [uuid.UUID(registered["id"])]
        assert uow.persons.by_name_and_birth_date("Müller", "Anna", date(1984, 3, 12)) == []


class _CountingKey:
    """Our DataKey, counting which rows it opens."""

    def __init__(self, key: DataKey, opened: list[uuid.UUID]) -> None:
        self._key = key
        self._opened = opened
        self.id = key.id
        self.person_id = key.person_id
        self.version_tag_key = key.version_tag_key

    def seal(self, place: Place, plaintext: bytes) -> bytes:
        return self._key.seal(place, plaintext)

    def open(self, place: Place, sealed: bytes) -> bytes:
        self._opened.append(place.row_id)
        return self._key.open(place, sealed)


class _CountingVault(Vault):
    def __init__(self, vault: Vault) -> None:
        super().__init__(vault.provider)
        self.opened: list[uuid.UUID] = []

    def data_key(self, person_id: uuid.UUID, key_id: uuid.UUID, kek_id: str, wrapped: bytes) -> DataKey:
        key = super().data_key(person_id, key_id, kek_id, wrapped)
        return _CountingKey(key, self.opened)  # type: ignore[return-value]


def _context(api: Api, username: str) -> RequestContext:
    user = api.world.users[username]
    principal = Principal(user.id, PrincipalKind.USER, username, user.institution_id, user.roles)
    return RequestContext(principal, "test", datetime.now(UTC))


def test_withheld_items_are_never_decrypted(api: Api, engine: Engine, vault: Vault) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    api.ok(case["id"], "journal", {"category": "arbeitsmarkt", "text": "Bewerbungen geprüft"}, user="rav")
    items = {row.category: row.id for row in _items(engine, case["id"])}
    counting = _CountingVault(vault)
    session_factory = make_session_factory(engine)

    view = read_case(
        SqlUnitOfWork(session_factory, vault=counting), _context(api, "rav"), uuid.UUID(case["id"])
    )

    assert items[DataCategory.SOZIALHILFE.value] not in counting.opened
    assert items[DataCategory.ARBEITSMARKT.value] in counting.opened
    assert DataCategory.SOZIALHILFE in view.withheld
    assert [entry.text for entry in view.journal] == ["Bewerbungen geprüft"]


def test_an_institution_not_on_the_case_decrypts_nothing(api: Api, engine: Engine, vault: Vault) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "journal", {"category": "sozialhilfe", "text": "Budget erstellt"})
    counting = _CountingVault(vault)
    uow = SqlUnitOfWork(make_session_factory(engine), vault=counting)
    with pytest.raises(Exception, match="nicht gefunden"):
        read_case(uow, _context(api, "olten"), uuid.UUID(case["id"]))
    assert counting.opened == []


def test_the_signed_consent_form_is_sealed_and_bound_to_its_consent(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    first = api.open_case("sd")
    second = api.open_case("sd")
    flows = [(api.world.sozialdienst.id, api.world.rav.id)]
    api.add_participant(first["id"], api.world.rav.id)
    api.add_participant(second["id"], api.world.rav.id)
    one = uuid.UUID(api.grant_consent(first["id"], flows, ["potenzial"])["id"])
    other = uuid.UUID(api.grant_consent(second["id"], flows, ["potenzial"])["id"])
    with make_session_factory(engine)() as session:
        stored = {row.consent_id: row.content for row in session.scalars(select(ConsentEvidenceFileRow))}
    assert SIGNED_FORM not in stored[one] and b"unterschriebenes" not in stored[one]
    with uow_factory() as uow:
        assert uow.consents.evidence_file(one) == SIGNED_FORM

    _swap_evidence(engine, one, other)
    with uow_factory() as uow, pytest.raises(DecryptionRefused):
        uow.consents.evidence_file(one)


def _swap_evidence(engine: Engine, first: uuid.UUID, second: uuid.UUID) -> None:
    table = ConsentEvidenceFileRow
    with make_session_factory(engine)() as session:
        a = session.scalar(select(table.content).where(table.consent_id == first))
        b = session.scalar(select(table.content).where(table.consent_id == second))
        session.execute(update(table).where(table.consent_id == first).values(content=b))
        session.execute(update(table).where(table.consent_id == second).values(content=a))
        session.commit()
