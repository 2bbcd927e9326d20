"""The IIZ process in Chromium: the IV-Stelle answers the invitation it finds in its Pendenzen,
keyboard only; the Sozialdienst offers the lead with a note and stays lead until it is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import PageCheck, sign_in, sign_out


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-CH")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def checks(screenshots: Path, request: pytest.FixtureRequest) -> PageCheck:
    return PageCheck(screenshots / request.node.name.removeprefix("test_"), zoomed=True)


def test_the_iv_accepts_its_invitation_and_the_lead_is_offered_with_a_note(
    page: Any, base_url: str, checks: PageCheck
) -> None:
    sign_in(page, base_url, "demo-iv-lead")
    page.click("nav.main >> text=Pendenzen")
    checks.check(page, "iv-pendenzen")
    assert "Einladungen an Ihre Stelle" in page.inner_text("main")
    reference = page.locator("input[name=local_reference]").first
    reference.focus()
    page.keyboard.type("IV-320.990.412")
    page.keyboard.press("Enter")  # submits "Einladung annehmen"
    page.wait_for_url(f"{base_url}/pendenzen?ok=angenommen")
    assert "Die Einladung ist angenommen." in page.inner_text("main")
    assert "Keine offenen Einladungen." in page.inner_text("main")
    checks.check(page, "iv-einladung-angenommen")
    sign_out(page)

    sign_in(page, base_url, "demo-lead")
    page.click("nav.main >> text=Meine Fälle")
    page.click("table >> text=Brunner")
    page.click("summary:has-text('Fallführung übergeben')")
    page.select_option("#neue-fallfuehrung", label="IV-Stelle Solothurn")
    page.click("button:has-text('Fallführung anbieten')")
    assert page.get_attribute("#uebergabenotiz", "aria-invalid") is None  # required: the browser asks first
    page.fill("#uebergabenotiz", "Berufliche Massnahme der IV steht im Vordergrund.")
    page.click("button:has-text('Fallführung anbieten')")
    page.wait_for_url("**/faelle/*?ok=uebergeben")
    main = page.inner_text("main")
    assert "Die Übergabe ist angeboten" in main
    assert "Übergabe der Fallführung" in main and "Offen" in main
    checks.check(page, "fallfuehrung-angeboten")
