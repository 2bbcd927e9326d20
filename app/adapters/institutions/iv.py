"""IV-Stelle: dossiers as JSON, validated against schemas/iv.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from app.adapters.institutions.common import (
    MEASURE_STATUS_WORDS,
    Limits,
    check_count,
    check_size,
    iso_date,
    measure_status,
    person_facts,
)
from app.adapters.institutions.schema_messages import german_message, json_pointer
from app.domain.cases import MeasureKind
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

FORMAT_NAME = "cockpit-iv/1"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "iv.schema.json"
_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
_DOSSIER_VALIDATOR = Draft202012Validator(
    {**_SCHEMA["$defs"]["dossier"], "$defs": _SCHEMA["$defs"]}, format_checker=FormatChecker()
)
_MEASURE_LISTS = {
    "integrationsmassnahmen": MeasureKind.SOCIAL_INTEGRATION,
    "beruflicheMassnahmen": MeasureKind.IV_VOCATIONAL,
}
_FACTS = {
    "arbeitsfaehigkeitProzent": "arbeitsfaehigkeit_prozent",
    "entscheidStatus": "entscheid_status",
}


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


class IvFormat:
    kind = InstitutionKind.IV
    media_type = "application/json"
    suffix = ".json"

    def parse(self, payload: bytes, limits: Limits) -> list[ParsedRecord]:
        check_size(payload, limits)
        document = _load(payload)
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            raise FormatError(f'Das Dokument muss ein Objekt mit "format": "{FORMAT_NAME}" sein.')
        unknown = set(document) - {"format", "dossiers"}
        if unknown:
            raise FormatError("Das Dokument enthält unbekannte Felder auf oberster Ebene.")
        dossiers = document.get("dossiers")
        if not isinstance(dossiers, list):
            raise FormatError("Das Feld «dossiers» muss eine Liste sein (Pointer /dossiers).")
        check_count(len(dossiers), limits)
        return [_parse_one(dossier, f"/dossiers/{index}") for index, dossier in enumerate(dossiers)]

    def render(self, export: CaseExport) -> bytes:
        facts = export.facts or {}
        dossier: dict[str, Any] = {
            "dossiernummer": export.local_reference,
            "ivStelle": export.office_code,
            "anmeldedatum": export.registered_on.isoformat(),
        }
        if export.person is not None:
            dossier["person"] = {
                "ahvn13": export.person.ahvn13.formatted,
                "nachname": export.person.family_name,
                "vorname": export.person.given_name,
                "geburtsdatum": export.person.birth_date.isoformat(),
            }
        early = [m for m in export.measures if m.kind is MeasureKind.IV_EARLY_INTERVENTION]
        if "fruehintervention_angeordnet" in facts or early:
            dossier["fruehintervention"] = {
                "angeordnet": bool(facts.get("fruehintervention_angeordnet", bool(early))),
                "massnahmen": [_measure_json(m) for m in early],
            }
        vocational = [m for m in export.measures if m.kind is MeasureKind.IV_VOCATIONAL]
        others = [m for m in export.measures if m not in early and m not in vocational]
        dossier["integrationsmassnahmen"] = [_measure_json(m) for m in others]
        dossier["beruflicheMassnahmen"] = [_measure_json(m) for m in vocational]
        for field, key in _FACTS.items():
            if key in facts:
                dossier[field] = facts[key]
        if facts.get("entscheide"):
            dossier["entscheide"] = facts["entscheide"]
        if export.shared:
            dossier["freigegeben"] = [_shared_json(entry) for entry in export.shared]
        document = {"format": FORMAT_NAME, "dossiers": [dossier]}
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _load(payload: bytes) -> object:
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError("JSON muss UTF-8-kodiert sein.") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise FormatError(f"Kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno}).") from None
    except ValueError:
        raise FormatError("Kein gültiges JSON (NaN und Infinity sind nicht erlaubt).") from None
    except RecursionError:
        raise FormatError("Das JSON ist zu tief verschachtelt.") from None


def _parse_one(dossier: object, pointer: str) -> ParsedRecord:
    errors = sorted(_DOSSIER_VALIDATOR.iter_errors(dossier), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        return RecordError(pointer + json_pointer(first.absolute_path), german_message(first))
    assert isinstance(dossier, dict)
    person = dossier.get("person")
    if person is None:
        return RecordError(pointer + "/person", "Die Personendaten fehlen.")
    try:
        return _record(dossier, person, pointer)
    except InvalidValue as error:
        return RecordError(pointer + (f"/{error.field}" if error.field else ""), error.message)


def _record(dossier: dict[str, Any], person: dict[str, Any], pointer: str) -> DossierRecord:
    facts: dict[str, object] = {key: dossier[field] for field, key in _FACTS.items() if field in dossier}
    if dossier.get("entscheide"):
        facts["entscheide"] = [dict(decision) for decision in dossier["entscheide"]]
    measures: list[PlannedMeasure] = []
    early = dossier.get("fruehintervention")
    if early is not None:
        facts["fruehintervention_angeordnet"] = early["angeordnet"]
        measures += [_measure(m, MeasureKind.IV_EARLY_INTERVENTION) for m in early.get("massnahmen", [])]
    for field, kind in _MEASURE_LISTS.items():
        measures += [_measure(m, kind) for m in dossier.get(field, [])]
    try:
        facts_of_person = person_facts(
            person["ahvn13"],
            person["nachname"],
            person["vorname"],
            iso_date(person["geburtsdatum"], "Geburtsdatum"),
        )
    except InvalidValue as error:
        raise InvalidValue(error.message, "person") from None
    return DossierRecord(
        kind=InstitutionKind.IV,
        local_reference=dossier["dossiernummer"],
        registered_on=iso_date(dossier["anmeldedatum"], "Anmeldedatum"),
        office_code=dossier.get("ivStelle"),
        person=facts_of_person,
        facts=facts,
        measures=tuple(measures),
        location=pointer,
        shared=tuple(_shared_entry(item) for item in dossier.get("freigegeben", [])),
    )


def _shared_entry(item: dict[str, Any]) -> SharedEntry:
    return SharedEntry(
        section=SharedSection(item["abschnitt"]),
        source=item["quelle"],
        category=DataCategory(item["kategorie"]),
        basis=item["grundlage"],
        fields=tuple((str(name), str(value)) for name, value in item["angaben"].items()),
    )


def _shared_json(entry: SharedEntry) -> dict[str, Any]:
    return {
        "abschnitt": entry.section.value,
        "quelle": entry.source,
        "kategorie": entry.category.value,
        "grundlage": entry.basis,
        "angaben": dict(entry.fields),
    }


def _measure(item: dict[str, Any], kind: MeasureKind) -> PlannedMeasure:
    return PlannedMeasure(
        title=item["titel"].strip(),
        kind=kind,
        provider=item.get("anbieter", "").strip(),
        start_on=iso_date(item["beginn"], "Beginn") if "beginn" in item else None,
        end_on=iso_date(item["ende"], "Ende") if "ende" in item else None,
        status=measure_status(item["status"]),
        owner_code=item.get("stelle"),
    )


def _measure_json(measure: PlannedMeasure) -> dict[str, Any]:
    item: dict[str, Any] = {"titel": measure.title, "status": MEASURE_STATUS_WORDS[measure.status]}
    if measure.provider:
        item["anbieter"] = measure.provider
    if measure.start_on:
        item["beginn"] = measure.start_on.isoformat()
    if measure.end_on:
        item["ende"] = measure.end_on.isoformat()
    if measure.owner_code:
        item["stelle"] = measure.owner_code
    return item
