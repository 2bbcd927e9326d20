"""The institutions, cached per process: a handful of rows read on almost every request.

Institutions are only ever added (kind, code and name never change), so an entry cannot go stale;
an id the cache does not know reloads it, and a unit of work that added one clears it at the end.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable

from sqlalchemy import Engine

from app.domain.institutions import Institution


class InstitutionDirectory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[uuid.UUID, Institution] | None = None

    def all(self, load: Callable[[], list[Institution]]) -> dict[uuid.UUID, Institution]:
        with self._lock:
            if self._by_id is None:
                self._by_id = {institution.id: institution for institution in load()}
            return self._by_id

    def get(self, institution_id: uuid.UUID, load: Callable[[], list[Institution]]) -> Institution | None:
        found = self.all(load).get(institution_id)
        if found is None:  # added by another process since the cache was filled
            self.invalidate()
            found = self.all(load).get(institution_id)
        return found

    def invalidate(self) -> None:
        with self._lock:
            self._by_id = None


_DIRECTORIES: weakref.WeakKeyDictionary[Engine, InstitutionDirectory] = weakref.WeakKeyDictionary()
_DIRECTORIES_LOCK = threading.Lock()


def directory_of(engine: Engine) -> InstitutionDirectory:
    """The process's cache for the database behind `engine`."""
    with _DIRECTORIES_LOCK:
        found = _DIRECTORIES.get(engine)
        if found is None:
            found = _DIRECTORIES[engine] = InstitutionDirectory()
        return found
