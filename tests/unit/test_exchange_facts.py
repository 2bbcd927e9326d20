"""What the canton's process needs from each system, read from the sample files, and the CSV
writer's formula guard (hypothesis: any cell survives the round trip unchanged)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

from app.adapters.institutions import FORMATS
from app.adapters.institutions.iv import SCHEMA_FILE as IV_SCHEMA
from app.adapters.institutions.rav import SCHEMA_FILE as RAV_SCHEMA
from app.domain.ahvn13 import Ahvn13
from app.domain.categories import DataCategory
from app.domain.exchange import CaseExport, DossierRecord, ImportLimits, PersonFacts
from app.domain.exhaustion import exhaustion_threatens, expected_exhaustion
from app.domain.institutions import InstitutionKind
from app.domain.shared_data import SharedEntry, SharedSection, flatten_facts
from app.domain.spreadsheet import FORMULA_PREFIXES
from app.domain.spreadsheet import neutral_cell as neutralise_formula
from app.domain.spreadsheet import text_of_cell as restore_formula

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exchange"
LIMITS = ImportLimits()


def _first(kind: InstitutionKind, name: str) -> DossierRecord:
    record = FORMATS[kind].parse((FIXTURES / name).read_bytes(), LIMITS)[0]
    assert isinstance(record, DossierRecord), record
    return record


def test_rav_file_carries_the_expected_aussteuerung_and_sanctions() -> None:
    record = _first(InstitutionKind.RAV, "rav_stellensuchende.xml")

    assert record.facts["aussteuerung_voraussichtlich"] == "2026-12-31"
    assert record.facts["sanktionen"] == [
        {"grund": "ungenuegende_arbeitsbemuehungen", "einstelltage": 5, "verfuegt_am": "2026-04-14"}
    ]
    assert expected_exhaustion(record.facts) == date(2026, 12, 31)


def test_iv_file_carries_its_decisions_with_dates() -> None:
    record = _first(InstitutionKind.IV, "iv_dossiers.json")

    assert [(d["art"], d["datum"]) for d in record.facts["entscheide"]] == [  # type: ignore[attr-defined]
        ("fruehintervention", "2026-01-28"),
        ("berufliche_massnahme", "2026-05-12"),
    ]


def test_sozialdienst_file_carries_support_status_start_and_end() -> None:
    record = _first(InstitutionKind.SOZIALDIENST, "sozialdienst_utf8_bom.csv")

    assert record.facts == {
        "unterstuetzungsstatus": "laufend",
        "unterstuetzt_seit": "2026-01-01",
        "unterstuetzt_bis": "2026-06-30",
    }


def test_an_aussteuerung_threatens_only_within_the_horizon() -> None:
    facts: dict[str, object] = {"aussteuerung_voraussichtlich": "2026-12-31"}

    assert exhaustion_threatens(facts, date(2026, 11, 1), 90)
    assert not exhaustion_threatens(facts, date(2026, 9, 1), 90)
    assert not exhaustion_threatens({}, date(2026, 11, 1), 90)
    assert not exhaustion_threatens({"aussteuerung_voraussichtlich": "bald"}, date(2026, 11, 1), 90)


def test_facts_flatten_to_named_text_fields() -> None:
    facts: dict[str, object] = {
        "suchstatus": "aktiv_suchend",
        "fruehintervention_angeordnet": True,
        "sanktionen": [{"grund": "andere", "einstelltage": 3}],
    }

    assert flatten_facts(facts) == (
        ("suchstatus", "aktiv_suchend"),
        ("fruehintervention_angeordnet", "ja"),
        ("sanktionen.1.grund", "andere"),
        ("sanktionen.1.einstelltage", "3"),
    )


@given(st.text(max_size=20))
def test_any_cell_survives_the_formula_guard(cell: str) -> None:
    guarded = neutralise_formula(cell)

    assert not guarded.startswith(FORMULA_PREFIXES)
    assert restore_formula(guarded) == cell


def test_a_csv_export_never_starts_a_cell_with_a_formula() -> None:
    export = CaseExport(
        case_id=uuid.uuid4(),
        kind=InstitutionKind.SOZIALDIENST,
        office_code="SD-WASSERAMT",
        local_reference="SD-1",
        registered_on=date(2026, 1, 5),
        person=PersonFacts(Ahvn13.parse("756.1111.2222.39"), '=HYPERLINK("x")', "@Anna", date(1980, 1, 1)),
        facts={},
        measures=(),
        shared=(
            SharedEntry(
                SharedSection.FACTS,
                "RAV-SOLOTHURN",
                DataCategory.ARBEITSMARKT,
                "participation",
                (("personalberatung", "+41 32 000"), ("notiz", "-1")),
            ),
        ),
    )
    rendered = FORMATS[InstitutionKind.SOZIALDIENST].render(export).decode("utf-8-sig")

    cells = [cell for row in csv.reader(io.StringIO(rendered), delimiter=";") for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    [parsed] = FORMATS[InstitutionKind.SOZIALDIENST].parse(rendered.encode(), LIMITS)
    assert isinstance(parsed, DossierRecord)
    assert parsed.person.family_name == '=HYPERLINK("x")'
    assert parsed.shared == export.shared


def _export_with_shared(kind: InstitutionKind) -> CaseExport:
    return CaseExport(
        case_id=uuid.uuid4(),
        kind=kind,
        office_code="IV-SO" if kind is InstitutionKind.IV else "RAV-SOLOTHURN",
        local_reference="X-1",
        registered_on=date(2026, 1, 5),
        person=PersonFacts(Ahvn13.parse("756.1111.2222.39"), "Brändli", "Jürg", date(1969, 3, 14)),
        facts={},
        measures=(),
        shared=(
            SharedEntry(
                SharedSection.FACTS,
                "SD-WASSERAMT",
                DataCategory.SOZIALHILFE,
                f"consent:{uuid.uuid4()}",
                (("unterstuetzungsstatus", "laufend"), ("unterstuetzt_seit", "2026-01-01")),
            ),
            SharedEntry(SharedSection.SEGMENT, "SD-WASSERAMT", DataCategory.FALLFUEHRUNG, "participation"),
        ),
    )


def test_an_iv_export_with_shared_sections_is_valid_against_the_whole_schema() -> None:
    schema = json.loads(IV_SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(FORMATS[InstitutionKind.IV].render(_export_with_shared(InstitutionKind.IV)))

    Draft202012Validator(schema, format_checker=FormatChecker()).validate(document)
    assert [entry["quelle"] for entry in document["dossiers"][0]["freigegeben"]] == ["SD-WASSERAMT"] * 2


def test_an_rav_export_with_shared_sections_is_valid_against_the_xsd() -> None:
    schema = etree.XMLSchema(etree.parse(str(RAV_SCHEMA)))
    document = etree.fromstring(FORMATS[InstitutionKind.RAV].render(_export_with_shared(InstitutionKind.RAV)))

    assert schema.validate(document), schema.error_log
    assert len(document.findall(".//{urn:cockpit:iiz:rav:1}Eintrag")) == 2
