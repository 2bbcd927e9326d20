"""Steering figures through the API: facts recorded by the lead institution, figures read by the
Kantonale Steuerung only, one audit event per query without any person, nothing decrypted."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, text

from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.figures.records import FigureQuery
from app.services import figures
from app.services.context import RequestContext
from tests.api_helpers import Api, days_ago
from tests.audit_log import last_audit_event
from tests.world import World

YEAR_AGO = (date.today() - timedelta(days=500)).isoformat()


def _detached_case(api: Api, **facts: object) -> dict:
    case = api.open_case("sd", opened_days_ago=400)
    response = api.client.put(
        f"/api/v1/cases/{case['id']}/figure-facts",
        json={
            "residence_status": "fluechtling",
            "assistance_kind": "asyl",
            "support_start_on": days_ago(410),
            **facts,
        },
        headers=api.headers("sd"),
    )
    assert response.status_code == 200, response.text
    api.ok(case["id"], "segment", {"segment": "A", "assessed_on": days_ago(390)})
    api.ok(
        case["id"],
        "plan/measures",
        {"title": "Bewerbungskurs", "kind": "course", "cost_bearer": "alv", "start_on": days_ago(380)},
    )
    api.ok(case["id"], "closure", {"reason": "erwerbsarbeit", "closed_on": days_ago(200)})
    return case


def _figures(api: Api, user: str = "ags", **params: str) -> object:
    return api.client.get(
        "/api/v1/figures",
        params={"period_start": YEAR_AGO, "period_end": date.today().isoformat(), **params},
        headers=api.headers(user),
    )


def _indicator(body: dict, indicator_id: str) -> dict:
    return next(i for i in body["indicators"] if i["definition"]["id"] == indicator_id)


def test_steering_sees_figures_under_small_cell_protection_and_each_query_is_audited(
    api: Api, engine: Engine
) -> None:
    for _ in range(5):
        _detached_case(api)
    api.open_case("sd", opened_days_ago=30)  # one open case: a small cell
    response = _figures(api)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["k"] == 5 and body["cases"] == 6
    closures = _indicator(body, "abschluesse_nach_grund")["table"]
    row = closures["rows"].index("Sozialregion Wasseramt")
    assert closures["cells"][row][closures["columns"].index("Ablösung durch Erwerbsarbeit")] == 5
    stock = _indicator(body, "bestand_nach_segment")["table"]
    released = [v for line in stock["cells"] for v in line if v is not None]
    assert all(v == 0 or v >= 5 for v in released)
    measures = _indicator(body, "massnahmen")["table"]
    assert measures["cells"][measures["rows"].index("Kurs")][measures["columns"].index("ALV")] == 5
    employment = _indicator(body, "erwerbsquote")["table"]
    assert employment["cells"][0][-1] == 6 - 1  # the five refugees; the open case has no status
    logged = last_audit_event(engine)
    assert (logged.operation, logged.actor_name, logged.outcome) == ("figures.report", "ags", "allowed")
    assert logged.case_id is None and logged.person_id is None and logged.record_ids == []
    assert logged.purpose == "Kantonale Steuerung und Evaluation"


def test_csv_and_pdf_carry_the_same_released_figures(api: Api) -> None:
    for _ in range(5):
        _detached_case(api)
    response = _figures(api, format="csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    cell = next(
        r
        for r in rows
        if r["kennzahl"] == "abschluesse_nach_grund" and r["spalte"] == "Ablösung durch Erwerbsarbeit"
    )
    assert (cell["zeile"], cell["wert"], cell["unterdrueckt"]) == ("Sozialregion Wasseramt", "5", "nein")
    pdf = api.client.get(
        "/api/v1/figures/report.pdf", params={"period_start": YEAR_AGO}, headers=api.headers("ags")
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ablösequote" in text and "Zähler:" in text and "Datengrundlage" in text


def test_only_the_steering_role_reads_figures_and_it_reads_no_case(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    for user in ("sd", "lead", "dpo", "rav"):
        assert _figures(api, user).status_code == 403
    assert last_audit_event(engine).outcome == "denied"
    assert api.get_case(case["id"], user="ags").status_code == 403


def test_facts_are_validated_and_only_the_lead_institution_records_them(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    url = f"/api/v1/cases/{case['id']}/figure-facts"
    bad = api.client.put(
        url,
        json={"support_start_on": days_ago(10), "support_end_on": days_ago(20)},
        headers=api.headers("sd"),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "#/support_end_on"
    assert api.client.put(url, json={"preventive": True}, headers=api.headers("rav")).status_code in (
        403,
        422,
    )
    assert api.client.put(url, json={"preventive": True}, headers=api.headers("sd")).status_code == 200
    shown = api.client.get(url, headers=api.headers("sd"))
    assert shown.status_code == 200 and shown.json()["preventive"] is True
    assert api.client.get(url, headers=api.headers("rav")).status_code == 403
    assert api.client.get(url, headers=api.headers("olten")).status_code == 404


class ExplodingKeyProvider:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"key provider called: {name}")


def test_figures_are_computed_without_the_key_provider(api: Api, engine: Engine, world: World) -> None:
    for _ in range(5):
        _detached_case(api)
    uow = SqlUnitOfWork(make_session_factory(engine), vault=Vault(ExplodingKeyProvider()))  # type: ignore[arg-type]
    ctx = RequestContext(world.users["ags"].as_principal(), "test-figures", datetime.now(UTC))
    report = figures.figure_report(uow, ctx, FigureQuery(date.fromisoformat(YEAR_AGO), date.today()), 5)
    assert report.cases == 5


def test_steering_records_a_regions_dff_introduction_which_sets_its_cohort(api: Api, engine: Engine) -> None:
    for _ in range(5):
        _detached_case(api)
    region = api.world.sozialdienst.id
    url = f"/api/v1/figures/regions/{region}"
    assert (
        api.client.put(url, json={"dff_introduced_on": "2026-07-01"}, headers=api.headers("sd")).status_code
        == 403
    )
    done = api.client.put(url, json={"dff_introduced_on": "2026-07-01"}, headers=api.headers("ags"))
    assert done.status_code == 204, done.text
    assert last_audit_event(engine).operation == "figures.dff_introduction"
    rav = api.client.put(
        f"/api/v1/figures/regions/{api.world.rav.id}",
        json={"dff_introduced_on": "2026-07-01"},
        headers=api.headers("ags"),
    )
    assert rav.status_code == 422
    body = _figures(api).json()
    assert body["cohorts"] == ["2026-H2"]
    assert _figures(api, cohort="2026-H1").json()["cases"] is None


def test_a_save_by_a_participant_who_sees_less_keeps_the_others_metadata(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "segment", {"segment": "V", "assessed_on": days_ago(300)})
    api.ok(case["id"], "plan/measures", {"title": "Kurs", "kind": "course", "cost_bearer": "sozialhilfe"})
    api.add_participant(case["id"], api.world.rav.id)
    api.ok(
        case["id"],
        "plan/measures",
        {"title": "AMM", "kind": "labour_market", "cost_bearer": "alv"},
        user="rav",
    )
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kind, cost_bearer FROM figure_measures WHERE case_id = :id ORDER BY kind"),
            {"id": uuid.UUID(case["id"]).hex if engine.dialect.name == "sqlite" else case["id"]},
        ).all()
        segments = connection.execute(text("SELECT count(*) FROM figure_segments")).scalar()
    assert [tuple(r) for r in rows] == [("course", "sozialhilfe"), ("labour_market", "alv")]
    assert segments == 1


def test_the_figures_pdf_is_tagged_for_screen_readers(api: Api, tmp_path: Path) -> None:
    _detached_case(api)
    pdf = api.client.get(
        "/api/v1/figures/report.pdf", params={"period_start": YEAR_AGO}, headers=api.headers("ags")
    )
    catalog = PdfReader(io.BytesIO(pdf.content)).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "de-CH"
    assert {"/H1", "/H2", "/P", "/Figure", "/Table"} <= _structure_types(catalog["/StructTreeRoot"])
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "kennzahlen.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info


def _structure_types(node: object) -> set[str]:
    """Every /S (structure type) below a node of the PDF structure tree."""
    node = node.get_object() if hasattr(node, "get_object") else node
    found: set[str] = set()
    if isinstance(node, list):
        for kid in node:
            found |= _structure_types(kid)
    elif isinstance(node, dict):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            found |= _structure_types(node["/K"])
    return found
