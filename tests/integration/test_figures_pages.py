"""The Kennzahlen page without a browser: only the steering role, charts as accessible SVG with their
tables, no script or inline style, one audit event per view; PDF and CSV downloads. And the
synthetic canton of `cockpit demo figures`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.adapters.db.engine import make_session_factory
from app.adapters.db.figures_queries import SqlFigureStore
from app.domain.figures.definitions import definitions
from app.domain.figures.records import FigureQuery
from app.domain.figures.report import build_report
from app.entrypoints.cli.main import app as cli
from tests.api_helpers import Api
from tests.audit_log import audit_count, last_audit_event
from tests.integration.test_figures_api import _detached_case
from tests.integration.web_client import _csrf, _version


def test_the_figures_page_shows_every_indicator_with_chart_table_and_definition(
    api: Api, browser_for, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _detached_case(api)
    web = browser_for("ags")
    before = audit_count(engine)
    page = web.get("/kennzahlen", params={"von": "01.01.2020"})
    assert page.status_code == 200, page.text
    assert audit_count(engine) == before + 1
    assert last_audit_event(engine).operation == "figures.report"
    html = page.text
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == len(
        definitions().indicators
    )
    for definition in definitions().indicators:
        assert f'id="{definition.id}"' in html
        assert f"<dd>{definition.period_rule}</dd>" in html
    svg_ids = re.findall(r'aria-labelledby="(diagramm-\d+-titel) (diagramm-\d+-beschreibung)"', html)
    assert all(f'id="{title}"' in html and f'id="{desc}"' in html for title, desc in svg_ids)
    assert html.count("<table>") == len(definitions().indicators)
    assert 'aria-current="page"' in html and 'href="/kennzahlen"' in html
    pdf = web.get("/kennzahlen/bericht.pdf", params={"von": "2020-01-01"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = web.get("/kennzahlen/kennzahlen.csv", params={"von": "2020-01-01"})
    assert csv.status_code == 200 and csv.text.startswith("kennzahl,zeile,spalte,wert,unterdrueckt")


def test_the_figures_page_is_refused_to_case_work_and_checks_its_dates(api: Api, browser_for) -> None:  # type: ignore[no-untyped-def]
    assert browser_for("sd").get("/kennzahlen").status_code == 403
    assert 'href="/kennzahlen"' not in browser_for("lead").get("/start").text
    web = browser_for("ags")
    wrong = web.get("/kennzahlen", params={"von": "31.02.2026"})
    assert wrong.status_code == 422 and 'aria-describedby="von-fehler"' in wrong.text
    backwards = web.get("/kennzahlen", params={"von": "01.06.2026", "bis": "01.01.2026"})
    assert backwards.status_code == 422 and 'id="bis-fehler"' in backwards.text


@pytest.mark.parametrize("cases", [400])
def test_demo_figures_builds_a_plausible_canton(
    database_url: str, engine: Engine, monkeypatch, cases: int
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COCKPIT_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["demo", "figures", "--cases", str(cases), "--stichtag", "2027-11-30"])
    assert result.exit_code == 0, result.output
    with make_session_factory(engine)() as session:
        found = SqlFigureStore(session).cases(date(2024, 1, 1), date(2027, 11, 30))
    assert len(found) == cases
    assert len({c.region for c in found}) == 13
    assert {c.cohort for c in found} == {"2026-H1", "2026-H2", "2027-H1"}
    report = build_report(found, FigureQuery(date(2027, 1, 1), date(2027, 11, 30)), 5, datetime.now(UTC))
    rate = next(f for f in report.figures if f.definition.id == "abloesequote").table
    assert rate is not None and rate.rate("Total") is not None and 0 < rate.rate("Total") < 1  # type: ignore[operator]


def test_the_lead_records_the_facts_in_a_form_and_the_measure_form_takes_a_cost_bearer(
    api: Api, browser_for, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    web = browser_for("sd")
    url = f"/faelle/{case['id']}/kennzahlen-merkmale"
    form = web.get(url)
    assert form.status_code == 200 and 'href="' + url + '"' in form.text
    token, version = _csrf(form.text), _version(form.text)
    wrong = web.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "support_start_on": "01.05.2026",
            "support_end_on": "01.04.2026",
        },
    )
    assert wrong.status_code == 422 and 'aria-describedby="k-ende-fehler"' in wrong.text
    saved = web.post(
        url,
        data={"csrf_token": token, "version": version, "residence_status": "fluechtling", "employed": "ja"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert last_audit_event(engine).operation == "figures.record_facts"
    shown = api.client.get(f"/api/v1/cases/{case['id']}/figure-facts", headers=api.headers("sd")).json()
    assert (shown["residence_status"], shown["employed"]) == ("fluechtling", True)
    assert browser_for("rav").get(url).status_code == 403
    plan = web.get(f"/faelle/{case['id']}/teil/plan")
    assert 'name="cost_bearer"' in plan.text
    added = web.post(
        f"/faelle/{case['id']}/plan/massnahmen",
        data={
            "csrf_token": _csrf(plan.text),
            "version": _version(plan.text),
            "title": "Bewerbungskurs",
            "kind": "course",
            "cost_bearer": "alv",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    measures = api.get_case(case["id"]).json()["integrationsplan"]["measures"]
    assert measures[0]["cost_bearer"] == "alv"
