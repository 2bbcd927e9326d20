"""A case from scratch by keyboard alone: sign in, open "Neuen Fall eröffnen", register the client and
open the case, then record the first Kurzassessment of the Fallaufnahme; every page passes axe-core,
also at 200 % zoom (half the viewport width)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import new_ahvn13
from tests.browser.pages import PASSWORD, PageCheck


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-CH", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def checks(screenshots: Path, request: pytest.FixtureRequest) -> PageCheck:
    return PageCheck(screenshots / request.node.name.removeprefix("test_"), zoomed=True)


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {id: e.id || '', tag: e.tagName, text: (e.textContent || '').trim(),
                    href: e.getAttribute('href') || ''}; }"""
    )


def _tab_to(page: Any, what: str, limit: int = 80) -> None:
    """Press Tab until the focus is on the element with this id, link target or text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if what in (focused["id"], focused["href"], focused["text"]):
            return
    raise AssertionError(f"{what!r} is not reachable with the Tab key")


def test_a_case_from_scratch_and_its_first_kurzassessment_by_keyboard_only(
    page: Any, base_url: str, checks: PageCheck
) -> None:
    page.goto(f"{base_url}/anmelden")
    _tab_to(page, "username")
    page.keyboard.type("demo-sd")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/start")
    checks.check(page, "start")

    _tab_to(page, "/faelle/neu")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/faelle/neu")
    checks.check(page, "neuer-fall")

    # the first attempt misses the birth date: the error summary takes the focus and leads to the field
    _tab_to(page, "ahv")
    ahvn13 = new_ahvn13()
    page.keyboard.type(ahvn13)
    page.keyboard.press("Tab")
    page.keyboard.type("Tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("Tina")
    page.keyboard.press("Tab")
    page.keyboard.type("31.02.1990")
    _tab_to(page, "dossier")
    page.keyboard.type("WA-TAST-1")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    checks.check(page, "neuer-fall-fehler")
    assert page.evaluate("document.activeElement.closest('.error-summary') !== null")
    _tab_to(page, "#geburtsdatum")
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "geburtsdatum"
    page.keyboard.press("Control+A")
    page.keyboard.type("28.02.1990")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faelle/*?ok=eroeffnet")
    assert "Der Fall ist eröffnet." in page.inner_text("main")
    checks.check(page, "fall-eroeffnet")

    _tab_to(page, "Abklärungen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/teil/abklaerungen")
    checks.check(page, "abklaerungen")
    _tab_to(page, "Schritt der Fallaufnahme erfassen")
    page.keyboard.press("Enter")  # opens the form
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "f-schritt"
    for _ in range(12):  # the list is closed: the arrow keys change the choice
        if page.evaluate("document.activeElement.value").startswith("kurzassessment:"):
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value").startswith("kurzassessment:")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "f-notiz"
    page.keyboard.type("Belastbar für einen Einsatz im zweiten Arbeitsmarkt.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/teil/abklaerungen?ok=fallaufnahme")
    main = page.inner_text("main")
    assert "Der Schritt der Fallaufnahme ist erfasst." in main
    assert "Kurzassessment" in main and "zweiten Arbeitsmarkt" in main
    checks.check(page, "kurzassessment-erfasst")
