"""Every other page of the thin client: axe-core without serious or critical violations, a strict CSP
that the pages never trip, keyboard-only sign-in through the skip link, break-glass with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import PASSWORD, PageCheck, sign_in, sign_out

CASE_PARTS = ("plan", "abklaerungen", "standortbestimmungen", "journal", "fallkonferenzen", "abschluss")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-CH")
    page = context.new_page()
    page.console_errors = []
    # a 404 or 422 page is expected where a test provokes it; anything else (a CSP refusal) is not
    page.on(
        "console",
        lambda m: (
            page.console_errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def checks(screenshots: Path, request: pytest.FixtureRequest) -> PageCheck:
    return PageCheck(screenshots / request.node.name.removeprefix("test_"), zoomed=True)


def test_keyboard_only_sign_in_and_every_caseworker_page(page: Any, base_url: str, checks: PageCheck) -> None:
    page.goto(f"{base_url}/anmelden")
    checks.check(page, "anmelden")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("demo-lead")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/start")
    checks.check(page, "start")

    page.click("main >> text=Pendenzen")
    checks.check(page, "pendenzen")
    assert "Fällig und demnächst fällig" in page.inner_text("main")
    page.click("text=Pendenzen der ganzen Stelle zeigen")
    checks.check(page, "pendenzen-der-stelle")
    assert "Zuweisung" in page.inner_text("main")  # the referral waiting for the body's decision

    page.click("nav.main >> text=Fällige Neubeurteilungen")
    checks.check(page, "faellige-neubeurteilungen")
    assert "(fällig)" in page.inner_text("main")
    page.click("nav.main >> text=Meine Fälle")
    page.select_option("#f-phase", "active")
    page.click("button:has-text('Filtern')")
    checks.check(page, "meine-faelle-gefiltert")
    assert "phase=active" in page.url
    phases = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert phases and set(phases) == {"Aktiv"}

    page.click("table >> text=Keller")
    case_url = page.url
    checks.check(page, "fall-leitung")
    for part in CASE_PARTS:
        page.goto(f"{case_url}/teil/{part}")
        checks.check(page, f"fall-{part}")
    page.goto(f"{case_url}/teil/journal")
    page.click("summary:has-text('Journaleintrag erfassen')")
    page.select_option("#j-kategorie", "sozialhilfe")
    page.fill("#j-betreff", "Telefonat")
    page.fill("#j-text", "Termin für die Budgetberatung vereinbart.")
    page.click("button:has-text('Eintrag speichern')")
    assert "Der Journaleintrag ist erfasst." in page.inner_text("main")
    newest = page.locator("ol.timeline > li").first.inner_text()
    assert "Budgetberatung vereinbart." in newest and "Sozialhilfe" in newest
    checks.check(page, "journal-erfasst")
    page.goto(f"{case_url}/teil/plan")
    page.focus("summary:has-text('Ziel erfassen')")  # a goal by keyboard only: open the form with Enter,
    page.keyboard.press("Enter")  # type, Tab to the next field, Enter submits
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "z-titel"
    page.keyboard.type("Bewerbungsdossier fertigstellen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "z-beschreibung"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "z-termin"
    page.keyboard.type("31.12.2027")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{case_url}/teil/plan?ok=ziel")
    assert "Das Ziel ist im Integrationsplan erfasst." in page.inner_text("main")
    assert "Bewerbungsdossier fertigstellen" in page.inner_text("div.plan")
    checks.check(page, "ziel-erfasst")
    page.goto(f"{case_url}/einwilligungen")
    checks.check(page, "einwilligungen")

    page.goto(f"{case_url}/zuteilung")
    checks.check(page, "zuteilung")
    page.fill("#notfallgrund", "kurz")
    page.click("button:has-text('Notfallzugriff öffnen')")
    assert page.get_attribute("#notfallgrund", "aria-invalid") == "true"
    assert "Begründung" in page.inner_text("#notfallgrund-fehler")
    checks.check(page, "notfallzugriff-fehler")

    page.goto(f"{base_url}/faelle/00000000-0000-4000-8000-000000000000")
    checks.check(page, "fall-nicht-gefunden")
    assert "Der Fall wurde nicht gefunden." in page.inner_text("main")
    sign_out(page)
    checks.check(page, "abgemeldet")
    assert "Sie sind abgemeldet." in page.inner_text("main")
    assert page.console_errors == []


def test_break_glass_opens_a_case_the_supervisor_shares_and_the_dpo_sees_it(
    page: Any, base_url: str, checks: PageCheck
) -> None:
    sign_in(page, base_url, "demo-iv-lead")
    page.click("nav.main >> text=Meine Fälle")
    page.click("table >> text=Gashi")
    page.click("nav.case >> text=Zuteilung und Notfallzugriff")
    page.fill("#notfallgrund", "Akute Krise, Rückfrage der Notfallpsychiatrie zur Abklärung.")
    page.click("button:has-text('Notfallzugriff öffnen')")
    assert "Der Notfallzugriff ist geöffnet" in page.inner_text("main")
    checks.check(page, "fall-im-notfallzugriff")
    sign_out(page)

    sign_in(page, base_url, "demo-dpo")
    page.click("nav.main >> text=Protokollsuche")
    page.select_option("#aktion", "break_glass")
    page.click("button:has-text('Suchen')")
    assert "demo-iv-lead" in page.inner_text("#treffer")
    checks.check(page, "protokoll-notfallzugriff")
    page.fill("#ahv", "756.1234")
    page.click("button:has-text('Suchen')")
    assert page.get_attribute("#ahv", "aria-invalid") == "true"
    assert "AHV-Nummer" in page.inner_text("#ahv-fehler")
    checks.check(page, "protokoll-fehler")
    assert page.console_errors == []
