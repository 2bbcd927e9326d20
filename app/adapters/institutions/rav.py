"""RAV: job seekers as XML (schemas/rav.xsd), parsed without DTDs, entities or network access."""

from __future__ import annotations

import bisect
from pathlib import Path

import defusedxml.ElementTree as defused_tree
from defusedxml import DefusedXmlException
from lxml import etree

from app.adapters.institutions.common import (
    MEASURE_KIND_WORDS,
    MEASURE_STATUS_WORDS,
    Limits,
    check_count,
    check_size,
    iso_date,
    measure_kind,
    measure_status,
    person_facts,
)
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.domain.exchange import (
    CaseExport,
    DossierRecord,
    FormatError,
    ParsedRecord,
    PersonFacts,
    PlannedMeasure,
    RecordError,
)
from app.domain.exhaustion import EXPECTED_EXHAUSTION_FACT
from app.domain.institutions import InstitutionKind
from app.domain.shared_data import SharedEntry, SharedSection

NAMESPACE = "urn:cockpit:iiz:rav:1"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "rav.xsd"
_FACT_ELEMENTS = {
    "Personalberatung": "personalberatung",
    "Suchstatus": "suchstatus",
    "Zumutbarkeit": "zumutbarkeit",
    "Arbeitsfaehigkeit": "arbeitsfaehigkeit_prozent",
}


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )


_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMA_FILE), _safe_parser()))


def _refuse_dangerous_markup(payload: bytes) -> None:
    """DTDs carry both external entities and expansion bombs; the format has no use for either."""
    try:
        defused_tree.fromstring(payload, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormatError(
            "Die Datei enthält eine DTD oder Entitätsdeklarationen; aus Sicherheitsgründen abgelehnt."
        ) from None
    except defused_tree.ParseError as error:
        line = error.position[0] if error.position else "?"
        raise FormatError(f"Die Datei ist kein wohlgeformtes XML (Zeile {line}).") from None


class RavFormat:
    kind = InstitutionKind.RAV
    media_type = "application/xml"
    suffix = ".xml"

    def parse(self, payload: bytes, limits: Limits) -> list[ParsedRecord]:
        check_size(payload, limits)
        _refuse_dangerous_markup(payload)
        try:
            root = etree.fromstring(payload, _safe_parser())
        except etree.XMLSyntaxError:
            raise FormatError("Die Datei ist kein wohlgeformtes XML.") from None
        if root.tag != _q("Stellensuchende"):
            raise FormatError(f"Das Wurzelelement muss «Stellensuchende» im Namensraum {NAMESPACE} sein.")
        elements = [child for child in root if isinstance(child.tag, str)]
        check_count(len(elements), limits)
        invalid = _schema_errors(root, elements)
        results: list[ParsedRecord] = []
        for index, element in enumerate(elements):
            location = f"Zeile {element.sourceline}"
            if index in invalid:
                results.append(RecordError(invalid[index][0], invalid[index][1]))
                continue
            try:
                results.append(_record(element, location))
            except InvalidValue as error:
                results.append(RecordError(location, error.message))
        return results

    def render(self, export: CaseExport) -> bytes:
        root = etree.Element(_q("Stellensuchende"), nsmap={None: NAMESPACE})  # type: ignore[dict-item]  # default namespace
        record = etree.SubElement(root, _q("Stellensuchender"))
        _text(record, "Personennummer", export.local_reference)
        facts = export.facts or {}
        _text(record, "RavStelle", export.office_code)
        _optional(record, "Personalberatung", facts.get("personalberatung"))
        _text(record, "Anmeldedatum", export.registered_on.isoformat())
        if export.person is not None:
            _person(record, export.person)
        for element, key in list(_FACT_ELEMENTS.items())[1:]:
            _optional(record, element, facts.get(key))
        _optional(record, "VoraussichtlicheAussteuerung", facts.get(EXPECTED_EXHAUSTION_FACT))
        _sanctions(record, facts.get("sanktionen"))
        if export.measures:
            measures = etree.SubElement(record, _q("Massnahmen"))
            for measure in export.measures:
                _measure(measures, measure)
        if export.shared:
            shared = etree.SubElement(record, _q("Freigegeben"))
            for entry in export.shared:
                _shared(shared, entry)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _schema_errors(root: etree._Element, elements: list[etree._Element]) -> dict[int, tuple[str, str]]:
    """Schema violations by record index. lxml's own messages may quote values; ours do not."""
    if _SCHEMA.validate(root):
        return {}
    starts = [element.sourceline or 0 for element in elements]
    found: dict[int, tuple[str, str]] = {}
    for entry in _SCHEMA.error_log:  # type: ignore[attr-defined]  # the stubs lack __iter__
        index = bisect.bisect_right(starts, entry.line) - 1
        if index < 0:
            raise FormatError(f"Die Datei entspricht nicht dem Schema rav.xsd (Zeile {entry.line}).")
        element_name = _element_at(elements[index], entry.line)
        found.setdefault(
            index,
            (f"Zeile {entry.line}", f"Das Element «{element_name}» entspricht nicht dem Schema rav.xsd."),
        )
    return found


def _element_at(record: etree._Element, line: int) -> str:
    """The innermost element starting on the reported line (the record itself as a fallback)."""
    name = etree.QName(record).localname
    for element in record.iter():
        if isinstance(element.tag, str) and element.sourceline == line:
            name = etree.QName(element).localname
    return name


def _child_text(element: etree._Element, name: str) -> str | None:
    child = element.find(_q(name))
    return child.text if child is not None and child.text is not None else None


def _required(element: etree._Element, name: str) -> str:
    value = _child_text(element, name)
    if value is None:
        raise InvalidValue(f"Das Element «{name}» fehlt.")
    return value.strip()


def _record(element: etree._Element, location: str) -> DossierRecord:
    person = element.find(_q("Person"))
    if person is None:
        raise InvalidValue("Die Personendaten fehlen (Element «Person»).")
    facts: dict[str, object] = {}
    for name, key in _FACT_ELEMENTS.items():
        value = _child_text(element, name)
        if value is not None:
            facts[key] = int(value) if key == "arbeitsfaehigkeit_prozent" else value.strip()
    exhaustion = _child_text(element, "VoraussichtlicheAussteuerung")
    if exhaustion is not None:
        facts[EXPECTED_EXHAUSTION_FACT] = iso_date(exhaustion, "VoraussichtlicheAussteuerung").isoformat()
    sanctions = [_sanction(s) for s in element.iterfind(f"{_q('Sanktionen')}/{_q('Sanktion')}")]
    if sanctions:
        facts["sanktionen"] = sanctions
    return DossierRecord(
        kind=InstitutionKind.RAV,
        local_reference=_required(element, "Personennummer"),
        registered_on=iso_date(_required(element, "Anmeldedatum"), "Anmeldedatum"),
        office_code=_required(element, "RavStelle"),
        person=person_facts(
            _required(person, "AHVN13"),
            _required(person, "Nachname"),
            _required(person, "Vorname"),
            iso_date(_required(person, "Geburtsdatum"), "Geburtsdatum"),
        ),
        facts=facts,
        measures=tuple(_planned(m) for m in element.iterfind(f"{_q('Massnahmen')}/{_q('Massnahme')}")),
        location=location,
        shared=tuple(_shared_entry(e) for e in element.iterfind(f"{_q('Freigegeben')}/{_q('Eintrag')}")),
    )


def _sanction(element: etree._Element) -> dict[str, object]:
    return {
        "grund": _required(element, "Grund"),
        "einstelltage": int(_required(element, "Einstelltage")),
        "verfuegt_am": iso_date(_required(element, "VerfuegtAm"), "VerfuegtAm").isoformat(),
    }


def _shared_entry(element: etree._Element) -> SharedEntry:
    """Schema-checked already: section, source, category and basis are present and well-formed."""
    return SharedEntry(
        section=SharedSection(str(element.get("Abschnitt"))),
        source=str(element.get("Quelle")),
        category=DataCategory(str(element.get("Kategorie"))),
        basis=str(element.get("Grundlage")),
        fields=tuple((str(a.get("Name")), a.text or "") for a in element.iterfind(_q("Angabe"))),
    )


def _planned(element: etree._Element) -> PlannedMeasure:
    start = _child_text(element, "Beginn")
    end = _child_text(element, "Ende")
    return PlannedMeasure(
        title=_required(element, "Titel"),
        kind=measure_kind(_required(element, "Art")),
        provider=(_child_text(element, "Anbieter") or "").strip(),
        start_on=iso_date(start, "Beginn") if start else None,
        end_on=iso_date(end, "Ende") if end else None,
        status=measure_status(_required(element, "Status")),
        owner_code=_child_text(element, "Stelle"),
    )


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    child.text = value
    return child


def _optional(parent: etree._Element, name: str, value: object) -> None:
    if value is not None:
        _text(parent, name, str(value))


def _person(parent: etree._Element, person: PersonFacts) -> None:
    element = etree.SubElement(parent, _q("Person"))
    _text(element, "AHVN13", person.ahvn13.formatted)
    _text(element, "Nachname", person.family_name)
    _text(element, "Vorname", person.given_name)
    _text(element, "Geburtsdatum", person.birth_date.isoformat())


def _sanctions(parent: etree._Element, sanctions: object) -> None:
    if not isinstance(sanctions, list) or not sanctions:
        return
    element = etree.SubElement(parent, _q("Sanktionen"))
    for sanction in sanctions:
        item = etree.SubElement(element, _q("Sanktion"))
        _text(item, "Grund", str(sanction["grund"]))
        _text(item, "Einstelltage", str(sanction["einstelltage"]))
        _text(item, "VerfuegtAm", str(sanction["verfuegt_am"]))


def _shared(parent: etree._Element, entry: SharedEntry) -> None:
    element = etree.SubElement(parent, _q("Eintrag"))
    element.set("Abschnitt", entry.section.value)
    element.set("Quelle", entry.source)
    element.set("Kategorie", entry.category.value)
    element.set("Grundlage", entry.basis)
    for name, value in entry.fields:
        _text(element, "Angabe", value).set("Name", name)


def _measure(parent: etree._Element, measure: PlannedMeasure) -> None:
    element = etree.SubElement(parent, _q("Massnahme"))
    _text(element, "Titel", measure.title)
    _text(element, "Art", MEASURE_KIND_WORDS[measure.kind])
    _optional(element, "Anbieter", measure.provider or None)
    _optional(element, "Beginn", measure.start_on.isoformat() if measure.start_on else None)
    _optional(element, "Ende", measure.end_on.isoformat() if measure.end_on else None)
    _text(element, "Status", MEASURE_STATUS_WORDS[measure.status])
    _optional(element, "Stelle", measure.owner_code)
