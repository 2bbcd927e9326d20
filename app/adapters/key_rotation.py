"""Online key rotation: re-wrap data keys under a new KEK, rebuild blind indexes under new keys.

Both run in small batches, one transaction each, and pick up where an interrupted run stopped:
what is left to do is exactly the rows not yet under the target key. Readers and writers go on
meanwhile: a data key under the old KEK still unwraps (the old KEK stays in the provider), and a
lookup tries every index key version in use.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.crypto.blind_index import (
    IndexedColumn,
    normalise_ahvn13,
    normalise_family_name,
    normalise_name_birth_date,
)
from app.adapters.crypto.sealed_secrets import sealed_secret_context
from app.adapters.crypto.vault import Vault, data_key_context, secret_context
from app.adapters.db.crypto_models import DataKeyRow, KeySecretRow
from app.adapters.db.key_store import ACTIVE, BUILDING, RETIRED, SqlKeyStore, index_purpose
from app.adapters.db.models import PersonRow
from app.adapters.db.sealing import read_person
from app.adapters.sealed_columns import SEALED_COLUMNS
from app.domain.errors import DataDestroyed

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RotationReport:
    target: str
    done: int


def _noop(_count: int) -> None:
    return None


def kek_rotation_pending(session_factory: sessionmaker[Session], kek_id: str) -> int:
    with session_factory() as session:
        keys = session.scalar(
            select(func.count())
            .select_from(DataKeyRow)
            .where(DataKeyRow.kek_id != kek_id, DataKeyRow.wrapped.is_not(None))
        )
        secrets = session.scalar(
            select(func.count()).select_from(KeySecretRow).where(KeySecretRow.kek_id != kek_id)
        )
        sealed = sum(
            int(
                session.scalar(
                    select(func.count()).where(column.kek_id.is_not(None), column.kek_id != kek_id)
                )
                or 0
            )
            for column in SEALED_COLUMNS
        )
    return int(keys or 0) + int(secrets or 0) + sealed


def wrapped_under(session_factory: sessionmaker[Session], kek_id: str) -> int:
    """Data keys, secrets and sealed secrets still wrapped under `kek_id` (destroyed keys do not count)."""
    with session_factory() as session:
        keys = session.scalar(
            select(func.count())
            .select_from(DataKeyRow)
            .where(DataKeyRow.kek_id == kek_id, DataKeyRow.wrapped.is_not(None))
        )
        secrets = session.scalar(
            select(func.count()).select_from(KeySecretRow).where(KeySecretRow.kek_id == kek_id)
        )
        sealed = sum(
            int(session.scalar(select(func.count()).where(column.kek_id == kek_id)) or 0)
            for column in SEALED_COLUMNS
        )
    return int(keys or 0) + int(secrets or 0) + sealed


def rewrap_all(
    session_factory: sessionmaker[Session], vault: Vault, batch_size: int = 200, progress: Progress = _noop
) -> RotationReport:
    """Re-wrap every data key and secret not yet under the provider's current KEK."""
    target = vault.provider.current_kek_id()
    done = 0
    while True:
        with session_factory() as session, session.begin():
            rows = session.execute(
                select(DataKeyRow.id, DataKeyRow.person_id, DataKeyRow.kek_id, DataKeyRow.wrapped)
                .where(DataKeyRow.kek_id != target, DataKeyRow.wrapped.is_not(None))
                .order_by(DataKeyRow.id)
                .limit(batch_size)
            ).all()
            for key_id, person_id, kek_id, wrapped in rows:
                assert wrapped is not None
                rewrapped = vault.rewrap(data_key_context(person_id, key_id), kek_id, wrapped, target)
                # Compare-and-set: a key destroyed meanwhile (retention) must stay destroyed.
                session.execute(
                    update(DataKeyRow)
                    .where(DataKeyRow.id == key_id, DataKeyRow.wrapped == wrapped)
                    .values(kek_id=target, wrapped=rewrapped)
                )
        if not rows:
            break
        done += len(rows)
        progress(len(rows))
    with session_factory() as session, session.begin():
        for secret in session.scalars(select(KeySecretRow).where(KeySecretRow.kek_id != target)):
            context = secret_context(secret.purpose, secret.version)
            secret.wrapped = vault.rewrap(context, secret.kek_id, secret.wrapped, target)
            secret.kek_id = target
            done += 1
            progress(1)
    done += _rewrap_sealed_secrets(session_factory, vault, target, progress)
    return RotationReport(target, done)


def _rewrap_sealed_secrets(
    session_factory: sessionmaker[Session], vault: Vault, target: str, progress: Progress
) -> int:
    """TOTP seeds and webhook secrets sealed under an older KEK, re-sealed under `target`."""
    done = 0
    for column in SEALED_COLUMNS:
        table = column.id.class_
        with session_factory() as session, session.begin():
            rows = session.execute(
                select(column.id, column.kek_id, column.sealed).where(
                    column.kek_id.is_not(None), column.kek_id != target
                )
            ).all()
            for row_id, kek_id, sealed in rows:
                context = sealed_secret_context(column.kind, row_id)
                resealed = vault.rewrap(context, kek_id, sealed, target)
                session.execute(
                    update(table)
                    .where(column.id == row_id, column.sealed == sealed)
                    .values({column.kek_id.key: target, column.sealed.key: resealed})
                )
                done += 1
                progress(1)
    return done


def start_index_rotation(session_factory: sessionmaker[Session], vault: Vault) -> int:
    """A new key version per indexed column, in state `building`; an unfinished one is reused."""
    with session_factory() as session, session.begin():
        keys = SqlKeyStore(session, vault)
        newest = {column: keys.secrets(index_purpose(column))[0] for column in IndexedColumn}
        building = [version for version, state, _ in newest.values() if state == BUILDING]
        # One version for all columns: the rebuild retires every index key of another version, so a
        # column indexed later (with a lower version of its own) must move to the common one too.
        target = max(building) if building else max(version for version, _, _ in newest.values()) + 1
        for column, (version, _state, _) in newest.items():
            if version != target:
                keys.add_secret(index_purpose(column), target, BUILDING, _random_key())
        return target


def index_rotation_pending(session_factory: sessionmaker[Session], version: int) -> int:
    with session_factory() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(PersonRow).where(PersonRow.index_version < version)
            )
            or 0
        )


def rebuild_indexes(
    session_factory: sessionmaker[Session],
    vault: Vault,
    version: int,
    batch_size: int = 200,
    progress: Progress = _noop,
) -> RotationReport:
    """Recompute the blind indexes of every person under key version `version`, then retire the old keys."""
    done = 0
    while True:
        with session_factory() as session, session.begin():
            keys = SqlKeyStore(session, vault)
            rows = session.scalars(
                select(PersonRow)
                .where(PersonRow.index_version < version)
                .order_by(PersonRow.id)
                .limit(batch_size)
            ).all()
            for row in rows:
                _reindex(session, keys, row, version)
        if not rows:
            break
        done += len(rows)
        progress(len(rows))
    with session_factory() as session, session.begin():
        for secret in session.scalars(select(KeySecretRow).where(KeySecretRow.purpose.like("index:%"))):
            secret.state = ACTIVE if secret.version == version else RETIRED
    return RotationReport(f"v{version}", done)


def _reindex(session: Session, keys: SqlKeyStore, row: PersonRow, version: int) -> None:
    try:
        person = read_person(keys, row)
    except DataDestroyed:
        ahvn13_index = name_index = family_name_index = None
    else:
        written, ahvn13_index = keys.index_for_write(
            IndexedColumn.AHVN13, normalise_ahvn13(person.ahvn13.digits)
        )
        _, name_index = keys.index_for_write(
            IndexedColumn.NAME_BIRTH_DATE,
            normalise_name_birth_date(person.family_name, person.given_name, person.birth_date),
        )
        _, family_name_index = keys.index_for_write(
            IndexedColumn.FAMILY_NAME, normalise_family_name(person.family_name)
        )
        assert written == version
    # Not through the ORM's version counter: re-indexing changes no Stammdaten, so a concurrent
    # correction of the person must not fail on it; a correction writes current indexes itself.
    session.execute(
        update(PersonRow)
        .where(PersonRow.id == row.id, PersonRow.index_version < version)
        .values(
            ahvn13_index=ahvn13_index,
            name_index=name_index,
            family_name_index=family_name_index,
            index_version=version,
        )
        .execution_options(synchronize_session=False)
    )


def _random_key() -> bytes:
    return os.urandom(32)
