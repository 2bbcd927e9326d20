"""The issue's scenario in Chromium: the Sozialdienst brings in the RAV with the client's consent,
the RAV sees exactly the consented categories, loses them on revocation, and the DPO finds the read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.demo.forms import one_page_pdf
from tests.browser.pages import PageCheck, section_state, sign_in, sign_out

GASHI_AHVN13 = "756.9999.0010.38"
CONSENTED = {"integrationsplan", "potenzial"}
EVIDENCE = one_page_pdf("Einwilligung, unterschrieben")


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(locale="de-CH", accept_downloads=True)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def checks(screenshots: Path) -> PageCheck:
    return PageCheck(screenshots / "szenario", zoomed=True)


def _open_case(page: Any, checks: PageCheck, name: str) -> str:
    page.click("nav.main >> text=Meine Fälle")
    checks.check(page, f"{name}-meine-faelle")
    page.click("table >> text=Gashi, Arben")
    return str(page.url)


def test_consent_decides_what_the_rav_sees_and_the_dpo_finds_the_read(
    page: Any, base_url: str, checks: PageCheck, tmp_path: Path
) -> None:
    # The Sozialdienst opens the case, adds the RAV, sets the segment and records the consent.
    sign_in(page, base_url, "demo-sd")
    checks.check(page, "sd-start")
    case_url = _open_case(page, checks, "sd")
    checks.check(page, "sd-fall")
    assert page.inner_text("h1") == "Fall Gashi, Arben"
    assert GASHI_AHVN13 in page.inner_text("section[data-category=stammdaten]")

    page.click("summary:has-text('Stelle in den Fall aufnehmen')")
    page.select_option("#stelle", label="RAV Solothurn")
    page.fill("#aktenzeichen", "PSN-5001-0001")
    page.click("button:has-text('Stelle einladen')")
    assert "Die Stelle ist eingeladen" in page.inner_text("main")
    case_url = page.url.split("?")[0]
    sign_out(page)

    # Invitation, not conscription: the RAV's supervisor accepts with the RAV's own Dossier-Nr.
    sign_in(page, base_url, "demo-rav-lead")
    page.click("nav.main >> text=Pendenzen")
    page.locator("input[name=local_reference]").first.fill("PSN-5001-0001")
    page.locator("button:has-text('Einladung annehmen')").first.click()
    page.wait_for_url(f"{base_url}/pendenzen?ok=angenommen")
    sign_out(page)
    sign_in(page, base_url, "demo-sd")
    page.goto(case_url)
    assert "PSN-5001-0001" in page.inner_text("table")

    page.click("summary:has-text('Segment festlegen')")
    page.select_option("#segment", "O")
    page.fill("#begruendung", "Gesundheit stabil; berufliche Orientierung mit dem RAV.")
    page.click("button:has-text('Segment speichern')")
    assert page.inner_text("#aktuelles-segment") == "O – Orientieren"
    checks.check(page, "sd-fall-nach-aenderung")

    page.click("nav.case >> text=Einwilligungen")
    checks.check(page, "sd-einwilligungen")
    page.select_option("#von_stelle", label="Sozialregion Wasseramt")
    page.select_option("#an_stelle", label="RAV Solothurn")
    for category in CONSENTED:
        page.check(f"#kat-{category}")
    page.fill("#zweck", "Arbeitsmarktliche Integration")
    # without the signed form: the error sits beside the field
    page.click("button:has-text('Einwilligung erfassen')")
    assert page.get_attribute("#formular", "aria-describedby") == "formular-fehler"
    assert page.inner_text("#formular-fehler") == "Das unterschriebene Formular fehlt."
    checks.check(page, "sd-einwilligung-fehler")
    evidence = tmp_path / "einwilligung.pdf"
    evidence.write_bytes(EVIDENCE)
    page.set_input_files("#formular", str(evidence))
    page.click("button:has-text('Einwilligung erfassen')")
    assert "Die Einwilligung ist erfasst." in page.inner_text("main")
    assert "\tgültig\t" in page.inner_text("tr:has-text('Arbeitsmarktliche Integration')")
    sign_out(page)

    # The RAV supervisor assigns the RAV caseworker (need-to-know within the RAV).
    sign_in(page, base_url, "demo-rav-lead")
    _open_case(page, checks, "rav-lead")
    page.click("nav.case >> text=Zuteilung und Notfallzugriff")
    checks.check(page, "rav-lead-zuteilung")
    page.select_option("#person", label="Roland Amsler")
    page.click("button:has-text('Zuteilen')")
    assert "Die Zuteilung ist erfasst." in page.inner_text("main")
    sign_out(page)

    # The RAV caseworker sees exactly the consented categories of the Sozialdienst's data.
    sign_in(page, base_url, "demo-rav")
    _open_case(page, checks, "rav")
    checks.check(page, "rav-fall-mit-einwilligung")
    states = section_state(page)
    assert {c for c in CONSENTED if states[c] == "shown"} == CONSENTED
    assert states["sozialhilfe"] == "withheld"
    assert states["gesundheit"] == "withheld"
    withheld_text = page.inner_text("section[data-category=sozialhilfe]")
    # says why (the consent covers other categories) and nothing of the data
    why = "nicht freigegeben: keine Einwilligung – Einwilligung erfassen"
    assert withheld_text.splitlines()[-1].strip() == why
    assert "Wohnsituation" not in page.content()
    page.click("nav.case >> text=Integrationsplan")
    checks.check(page, "rav-integrationsplan")
    assert "Schuldensanierung einleiten" in page.inner_text("main")
    page.goto(case_url)

    # The Sozialdienst revokes the consent, keyboard only, after the confirmation step.
    rav_context = page.context
    sd_context = rav_context.browser.new_context(locale="de-CH")
    sd_page = sd_context.new_page()
    sign_in(sd_page, base_url, "demo-sd")
    sd_page.goto(case_url + "/einwilligungen")
    sd_page.click("tr:has-text('Arbeitsmarktliche Integration') >> text=Widerrufen")
    checks.check(sd_page, "sd-widerruf-bestaetigen")
    _tab_to(sd_page, "widerrufsgrund")
    sd_page.keyboard.type("Telefonisch am Schalter widerrufen.")
    sd_page.keyboard.press("Tab")
    sd_page.keyboard.press("Space")
    sd_page.keyboard.press("Tab")
    sd_page.keyboard.press("Enter")
    sd_page.wait_for_url("**/einwilligungen?ok=widerruf")
    assert "\twiderrufen am " in sd_page.inner_text("tr:has-text('Arbeitsmarktliche Integration')")
    sd_context.close()

    # On reload the RAV view has lost them.
    page.reload()
    checks.check(page, "rav-fall-nach-widerruf")
    states = section_state(page)
    assert {c for c in CONSENTED if states[c] == "withheld"} == CONSENTED
    assert "Schuldensanierung einleiten" not in page.content()
    sign_out(page)

    # The DPO finds the RAV's read in the audit search and downloads the access report.
    sign_in(page, base_url, "demo-dpo")
    page.click("nav.main >> text=Protokollsuche")
    checks.check(page, "dsb-protokollsuche")
    page.fill("#ahv", "7569999001038")
    page.fill("#benutzer", "demo-rav")
    page.select_option("#aktion", "read")
    page.click("button:has-text('Suchen')")
    checks.check(page, "dsb-protokoll-treffer")
    rows = page.inner_text("#treffer tbody")
    assert "demo-rav" in rows
    assert "Fall gelesen" in rows and "cases.read" not in rows
    assert "Integrationsplan" in rows

    page.click("nav.main >> text=Anomalien")
    page.click("button:has-text('Anomalien suchen')")
    checks.check(page, "dsb-anomalien")
    page.click("nav.main >> text=Integrität")
    checks.check(page, "dsb-integritaet")
    assert page.inner_text("#integritaet-status") == "Das Protokoll ist unversehrt."

    page.click("nav.main >> text=Auskunft")
    checks.check(page, "dsb-auskunft")
    page.fill("#ahv", GASHI_AHVN13)
    with page.expect_download() as download:
        page.click("button:has-text('Auskunft als PDF herunterladen')")
    report = tmp_path / "auskunft.pdf"
    download.value.save_as(report)
    assert report.read_bytes().startswith(b"%PDF")
    assert re.fullmatch(r"auskunft-\d{4}-\d{2}-\d{2}-AUS-[0-9A-F]{8}\.pdf", download.value.suggested_filename)
    assert page.csp_violations == []


def _tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} ist mit der Tabulatortaste nicht erreichbar")
