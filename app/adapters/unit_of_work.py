"""The unit of work: one session, one transaction, committed only here.

It joins the repositories of adapters/db and those of adapters/events (outbox, subscriptions) on one
session, which is why it stands beside both packages rather than in either."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.adapters.crypto.vault import Vault
from app.adapters.db.access_repositories import (
    SqlAssignmentRepository,
    SqlBreakGlassRepository,
    SqlConsentRepository,
)
from app.adapters.db.anomaly_reviews import SqlAnomalyReviews
from app.adapters.db.audit_log import SqlAuditLog
from app.adapters.db.document_repository import SqlDocumentRepository
from app.adapters.db.dossiers import SqlDossierRepository
from app.adapters.db.engine import refresh_planner_statistics
from app.adapters.db.figures_queries import SqlFigureStore
from app.adapters.db.identity_repository import SqlIdentityRepository
from app.adapters.db.institution_directory import InstitutionDirectory, directory_of
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.plain_rows import LoadedRows
from app.adapters.db.referrals import SqlReferralRepository
from app.adapters.db.repositories import (
    SqlAuditRecorder,
    SqlCaseRepository,
    SqlInstitutionRepository,
    SqlPersonRepository,
    SqlUserRepository,
)
from app.adapters.db.retention_store import SqlRetentionStore
from app.adapters.db.supervision import SqlSupervisionQueries
from app.adapters.events.outbox import AuditAppender, SqlEventLog
from app.adapters.events.subscriptions import SqlSubscriptionRepository
from app.adapters.row_writer import HeldBlock, integrity_conflict, rows_of
from app.domain.errors import StaleVersion


class SqlUnitOfWork:
    """Commits when the `with` block ends normally and rolls back on any exception."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        audit_factory: Callable[[Session], AuditAppender] = SqlAuditRecorder,
        *,
        vault: Vault,
        directory: InstitutionDirectory | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._audit_factory = audit_factory
        self._vault = vault
        self._directory = directory or directory_of(session_factory.kw["bind"])
        self._session: Session | None = None
        self._batch = False
        self._savepoint: SessionTransaction | None = None

    @contextmanager
    def batch(self, *, more_follow: bool = False) -> Iterator[None]:
        """One transaction for many `with uow:` blocks: each block becomes a savepoint, so a block that
        fails leaves nothing behind while the others stay; all of them commit together at the end.
        `more_follow`: further batches of the same import come after this one (their lookups then
        plan with fresh statistics, see `refresh_planner_statistics`)."""
        with self:
            self._batch = True
            try:
                yield
            finally:
                self._batch = False
        if more_follow:
            refresh_planner_statistics(self._session_factory.kw["bind"])

    def inserting_together(self) -> AbstractContextManager[HeldBlock]:
        """Inside an open `with uow:` block: what the repositories add is held and written at the end
        of this block, one statement per table (see adapters/row_writer.py)."""
        assert self._session is not None, "inside `with uow:` only"
        return rows_of(self._session).held()

    def __enter__(self) -> Self:
        if self._batch:
            if self._savepoint is not None:
                raise RuntimeError("Unit of work is already in use")
            assert self._session is not None
            self._savepoint = self._session.begin_nested()
            return self
        if self._session is not None:
            raise RuntimeError("Unit of work is already in use")
        self._session = session = self._session_factory()
        self.institutions = SqlInstitutionRepository(session, self._directory)
        loaded = LoadedRows()  # what a case load read along, for persons.get and users.get
        self.users = SqlUserRepository(session, loaded)
        self.keys = SqlKeyStore(session, self._vault)
        self.persons = SqlPersonRepository(session, self.keys, loaded)
        self.cases = SqlCaseRepository(session, self.keys, self.institutions, loaded)
        self.documents = SqlDocumentRepository(session, self.keys)
        self.retention = SqlRetentionStore(session, self.keys)
        self.audit = self._audit_factory(session)
        self.identity = SqlIdentityRepository(session, self._vault.provider)
        self.consents = SqlConsentRepository(session, self.keys)
        self.assignments = SqlAssignmentRepository(session)
        self.break_glass = SqlBreakGlassRepository(session)
        self.audit_log = SqlAuditLog(session)
        self.anomaly_reviews = SqlAnomalyReviews(session, self._vault.provider)
        self.dossiers = SqlDossierRepository(session, self.keys)
        self.events = SqlEventLog(session)
        self.figures = SqlFigureStore(session)
        self.subscriptions = SqlSubscriptionRepository(session, self._vault.provider)
        self.referrals = SqlReferralRepository(session, self.keys)
        self.supervision = SqlSupervisionQueries(session)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._savepoint is not None:
            self._leave_savepoint(exc_type is None)
            return
        session = self._session
        assert session is not None
        try:
            if exc_type is None:
                try:
                    session.commit()
                except StaleDataError as error:
                    session.rollback()
                    raise StaleVersion() from error
                except IntegrityError as error:
                    session.rollback()
                    raise integrity_conflict(error) from None
            else:
                session.rollback()
        finally:
            session.close()
            self._session = None
            if self.institutions.changed:
                self._directory.invalidate()

    def _leave_savepoint(self, keep: bool) -> None:
        savepoint, self._savepoint = self._savepoint, None
        assert savepoint is not None
        if not keep:
            savepoint.rollback()
            return
        try:
            savepoint.commit()  # flushes this block's changes, then releases the savepoint
        except StaleDataError as error:
            savepoint.rollback()
            raise StaleVersion() from error
        except IntegrityError as error:
            savepoint.rollback()
            raise integrity_conflict(error) from None
