"""Institutions with the codes the sample files in tests/fixtures/exchange name, acting as system clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.adapters.institutions import FORMATS
from app.domain.ahvn13 import ean13_check_digit
from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.services.context import RequestContext
from app.services.dossier_import import ImportOptions, ImportReport, import_file
from app.services.ports import UnitOfWork

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "exchange"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class Systems:
    rav: Institution
    iv: Institution
    sozialdienst: Institution

    def of(self, kind: InstitutionKind) -> Institution:
        return {InstitutionKind.RAV: self.rav, InstitutionKind.IV: self.iv}.get(kind, self.sozialdienst)


def add_systems(uow_factory: Callable[[], UnitOfWork]) -> Systems:
    systems = Systems(
        Institution(InstitutionKind.RAV, "RAV-SOLOTHURN", "RAV Solothurn"),
        Institution(InstitutionKind.IV, "IV-SO", "IV-Stelle Solothurn"),
        Institution(InstitutionKind.SOZIALDIENST, "SD-WASSERAMT", "Sozialregion Wasseramt"),
    )
    with uow_factory() as uow:
        for institution in (systems.rav, systems.iv, systems.sozialdienst):
            uow.institutions.add(institution)
    return systems


def system_context(institution: Institution) -> RequestContext:
    principal = Principal(uuid.uuid4(), PrincipalKind.SYSTEM, f"system-{institution.code}", institution.id)
    return RequestContext(principal, correlation_id=uuid.uuid4().hex, now=NOW)


def run_import(
    uow_factory: Callable[[], UnitOfWork],
    institution: Institution,
    payload: bytes,
    **options: object,
) -> ImportReport:
    fmt = FORMATS[institution.kind]
    return import_file(uow_factory(), system_context(institution), fmt, payload, ImportOptions(**options))  # type: ignore[arg-type]


SOZIALDIENST_HEADER = (
    "Dossiernummer;AHV-Nummer;Name;Vorname;Geburtsdatum;Eröffnet am;Sozialdienst;Unterstützungsstatus\r\n"
)


def sozialdienst_file(count: int, first: int = 0, office: str = "SD-WASSERAMT") -> bytes:
    """A Sozialdienst CSV of `count` clients numbered from `first`: distinct AHVN13, names and birth
    dates (the import tests and `bench/import_records.py`)."""
    lines = [SOZIALDIENST_HEADER]
    for i in range(first, first + count):
        twelve = f"756{i:09d}"
        born = date(1950, 1, 1) + timedelta(days=i % 20_000)
        lines.append(
            f"SD-{i:06d};{twelve}{ean13_check_digit(twelve)};Name{i};Vorname{i};{born:%d.%m.%Y};"
            f"05.01.2026;{office};laufend\r\n"
        )
    return "".join(lines).encode("utf-8")
