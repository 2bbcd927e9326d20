"""What the composition root hands to the API: settings and factories, nothing global."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from app.adapters.crypto.vault import Vault
from app.adapters.db.principal_directory import SqlPrincipalDirectory
from app.adapters.legal_basis_file import packaged_rule_book
from app.services.access_config import AccessConfig
from app.services.ports import UnitOfWork
from app.settings import Settings


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    engine: Engine
    uow_factory: Callable[[], UnitOfWork]
    clock: SystemClock
    access: AccessConfig = field(default_factory=lambda: AccessConfig(rules=packaged_rule_book()))
    vault: Vault | None = None  # field encryption; the CLI's key and retention commands use it
    principals: SqlPrincipalDirectory | None = None  # built from the engine on first use

    def principal_directory(self) -> SqlPrincipalDirectory:
        if self.principals is None:
            self.principals = SqlPrincipalDirectory(self.engine)
        return self.principals
