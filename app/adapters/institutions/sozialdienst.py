"""Sozialdienst: CSV as case-management software exports it.

Semicolon-separated, German headers, one row per client and measure (the client's columns repeat
on each of their rows), dates as TT.MM.JJJJ, UTF-8 with or without BOM, Windows-1252 tolerated.
An export adds one row per field of what other institutions released (columns `Freigabe …`).
Cells that a spreadsheet would run as a formula are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace

from app.adapters.institutions.common import (
    MEASURE_KIND_WORDS,
    MEASURE_STATUS_WORDS,
    Limits,
    check_count,
    check_size,
    decode_text,
    measure_kind,
    measure_status,
    person_facts,
    swiss_date,
)
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.domain.exchange import (
    CaseExport,
    DossierRecord,
    FormatError,
    ParsedRecord,
    PlannedMeasure,
    RecordError,
)
from app.domain.institutions import InstitutionKind
from app.domain.shared_data import SharedEntry, SharedSection
from app.domain.spreadsheet import neutral_cell, text_of_cell

REQUIRED_COLUMNS = ("Dossiernummer", "AHV-Nummer", "Name", "Vorname", "Geburtsdatum", "Eröffnet am")
CLIENT_COLUMNS = (
    *REQUIRED_COLUMNS,
    "Sozialdienst",
    "Unterstützungsstatus",
    "Unterstützt seit",
    "Unterstützt bis",
)
MEASURE_COLUMNS = (
    "Massnahme",
    "Massnahmenart",
    "Massnahme Beginn",
    "Massnahme Ende",
    "Massnahme Status",
    "Massnahme Stelle",
)
# Only in an export: one row per field of an entry another institution released (never imported).
SHARED_COLUMNS = (
    "Freigabe Nr",
    "Freigabe Abschnitt",
    "Freigabe Quelle",
    "Freigabe Kategorie",
    "Freigabe Grundlage",
    "Freigabe Angabe",
    "Freigabe Wert",
)
OPTIONAL_COLUMNS = CLIENT_COLUMNS[len(REQUIRED_COLUMNS) :] + MEASURE_COLUMNS + SHARED_COLUMNS
COLUMNS = CLIENT_COLUMNS + MEASURE_COLUMNS + SHARED_COLUMNS
SUPPORT_STATUSES = ("in_abklaerung", "laufend", "sistiert", "abgeschlossen")
_MAX_FIELD = 1000


class SozialdienstFormat:
    kind = InstitutionKind.SOZIALDIENST
    media_type = "text/csv"
    suffix = ".csv"

    def parse(self, payload: bytes, limits: Limits) -> list[ParsedRecord]:
        check_size(payload, limits)
        rows = list(_rows(decode_text(payload)))
        check_count(len(rows), limits)
        grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
        results: dict[str, ParsedRecord] = {}
        for line, row in rows:
            reference = row.get("Dossiernummer", "").strip()
            if "__error__" in row:
                results[f"#{line}"] = RecordError(f"Zeile {line}", row["__error__"])
                continue
            if not reference:
                results[f"#{line}"] = RecordError(f"Zeile {line}", "Die Dossiernummer fehlt.")
                continue
            grouped.setdefault(reference, []).append((line, row))
        for reference, lines in grouped.items():
            results[reference] = _record(lines)
        return sorted(results.values(), key=lambda r: int(r.location.split()[-1]))

    def render(self, export: CaseExport) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutral_cell(c) for c in COLUMNS])
        facts = export.facts or {}
        person = export.person
        client = [
            export.local_reference,
            person.ahvn13.formatted if person else "",
            person.family_name if person else "",
            person.given_name if person else "",
            person.birth_date.strftime("%d.%m.%Y") if person else "",
            export.registered_on.strftime("%d.%m.%Y"),
            export.office_code,
            str(facts.get("unterstuetzungsstatus", "")),
            _swiss(facts.get("unterstuetzt_seit")),
            _swiss(facts.get("unterstuetzt_bis")),
        ]
        no_share = [""] * len(SHARED_COLUMNS)
        for measure in export.measures or (None,):
            writer.writerow(map(neutral_cell, client + _measure_columns(measure) + no_share))
        for number, entry in enumerate(export.shared, start=1):
            for shared in _shared_rows(number, entry):
                writer.writerow(map(neutral_cell, client + _measure_columns(None) + shared))
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise FormatError("Die Datei ist leer.") from None
    except csv.Error:
        raise FormatError("Die Kopfzeile ist kein gültiges CSV (Trennzeichen Semikolon).") from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FormatError("Es fehlen Spalten: " + ", ".join(missing) + " (Trennzeichen Semikolon erwartet).")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, {"__error__": "Die Zeile ist kein gültiges CSV (Anführungszeichen)."}
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield reader.line_num, {"__error__": f"Die Zeile hat {len(cells)} statt {len(header)} Felder."}
            continue
        if any(len(cell) > _MAX_FIELD for cell in cells):
            yield reader.line_num, {"__error__": "Ein Feld ist länger als erlaubt."}
            continue
        yield reader.line_num, dict(zip(header, map(text_of_cell, cells), strict=True))


def _record(lines: list[tuple[int, dict[str, str]]]) -> ParsedRecord:
    first_line, first = lines[0]
    for line, row in lines:
        if "__error__" in row:
            return RecordError(f"Zeile {line}", row["__error__"])
    try:
        record = _client(first, first_line)
        measures = []
        shared: dict[str, SharedEntry] = {}
        for line, row in lines:
            if _client_columns(row) != _client_columns(first):
                raise InvalidValue(f"Zeile {line}: Die Angaben zur Person weichen von Zeile {first_line} ab.")
            measure = _measure(row, line)
            if measure is not None:
                measures.append(measure)
            _add_shared(shared, row, line)
        return replace(record, measures=tuple(measures), shared=tuple(shared.values()))
    except InvalidValue as error:
        return RecordError(f"Zeile {first_line}", error.message)


def _client_columns(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row.get(name, "").strip() for name in CLIENT_COLUMNS)


def _client(row: dict[str, str], line: int) -> DossierRecord:
    facts: dict[str, object] = {}
    status = row.get("Unterstützungsstatus", "").strip().lower()
    if status:
        if status not in SUPPORT_STATUSES:
            raise InvalidValue(
                "Unbekannter Unterstützungsstatus; erlaubt sind: " + ", ".join(SUPPORT_STATUSES) + "."
            )
        facts["unterstuetzungsstatus"] = status
    since = row.get("Unterstützt seit", "").strip()
    if since:
        facts["unterstuetzt_seit"] = swiss_date(since, "Unterstützt seit").isoformat()
    until = row.get("Unterstützt bis", "").strip()
    if until:
        facts["unterstuetzt_bis"] = swiss_date(until, "Unterstützt bis").isoformat()
    return DossierRecord(
        kind=InstitutionKind.SOZIALDIENST,
        local_reference=row["Dossiernummer"].strip(),
        registered_on=swiss_date(row["Eröffnet am"], "Eröffnet am"),
        office_code=row.get("Sozialdienst", "").strip() or None,
        person=person_facts(
            row["AHV-Nummer"], row["Name"], row["Vorname"], swiss_date(row["Geburtsdatum"], "Geburtsdatum")
        ),
        facts=facts,
        location=f"Zeile {line}",
    )


def _measure(row: dict[str, str], line: int) -> PlannedMeasure | None:
    title = row.get("Massnahme", "").strip()
    if not title:
        return None
    start = row.get("Massnahme Beginn", "").strip()
    end = row.get("Massnahme Ende", "").strip()
    return PlannedMeasure(
        title=title,
        kind=measure_kind(row.get("Massnahmenart", "") or "soziale_integration"),
        start_on=swiss_date(start, "Massnahme Beginn") if start else None,
        end_on=swiss_date(end, "Massnahme Ende") if end else None,
        status=measure_status(row.get("Massnahme Status", "") or "geplant"),
        owner_code=row.get("Massnahme Stelle", "").strip() or None,
    )


def _measure_columns(measure: PlannedMeasure | None) -> list[str]:
    if measure is None:
        return ["", "", "", "", "", ""]
    return [
        measure.title,
        MEASURE_KIND_WORDS[measure.kind],
        measure.start_on.strftime("%d.%m.%Y") if measure.start_on else "",
        measure.end_on.strftime("%d.%m.%Y") if measure.end_on else "",
        MEASURE_STATUS_WORDS[measure.status],
        measure.owner_code or "",
    ]


def _shared_rows(number: int, entry: SharedEntry) -> list[list[str]]:
    head = [str(number), entry.section.value, entry.source, entry.category.value, entry.basis]
    return [[*head, name, value] for name, value in entry.fields] or [[*head, "", ""]]


def _add_shared(shared: dict[str, SharedEntry], row: dict[str, str], line: int) -> None:
    number = row.get("Freigabe Nr", "").strip()
    if not number:
        return
    try:
        section = SharedSection(row.get("Freigabe Abschnitt", "").strip())
        category = DataCategory(row.get("Freigabe Kategorie", "").strip())
    except ValueError:
        raise InvalidValue(
            f"Zeile {line}: Unbekannter Abschnitt oder unbekannte Kategorie der Freigabe."
        ) from None
    entry = shared.get(number) or SharedEntry(
        section, row.get("Freigabe Quelle", "").strip(), category, row.get("Freigabe Grundlage", "").strip()
    )
    name = row.get("Freigabe Angabe", "").strip()
    if name:
        entry = replace(entry, fields=(*entry.fields, (name, row.get("Freigabe Wert", ""))))
    shared[number] = entry


def _swiss(iso: object) -> str:
    if not iso:
        return ""
    year, month, day = str(iso).split("-")
    return f"{day}.{month}.{year}"
