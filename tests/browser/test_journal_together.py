"""Two caseworkers in two browsers on one case, both typing a journal entry: both entries are saved.

Adding a record needs no version, so the form rendered before the other's entry still saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import PageCheck, sign_in

CASE = "Brunner, Marco"  # the demo case the Sozialdienst Wasseramt shares with the RAV Solothurn


@pytest.fixture
def two_pages(browser: Any) -> Iterator[tuple[Any, Any]]:
    contexts = [browser.new_context(locale="de-CH") for _ in range(2)]
    yield contexts[0].new_page(), contexts[1].new_page()
    for context in contexts:
        context.close()


def _journal_form(page: Any, base_url: str, username: str) -> str:
    sign_in(page, base_url, username)
    page.click("nav.main >> text=Meine Fälle")
    page.click(f"table >> text={CASE}")
    case_url = page.url.split("?")[0]
    page.goto(f"{case_url}/teil/journal")
    page.click("summary:has-text('Journaleintrag erfassen')")
    return case_url


def _type(page: Any, subject: str, text: str) -> None:
    page.select_option("#j-kategorie", "fallfuehrung")
    page.fill("#j-betreff", subject)
    page.fill("#j-text", text)


def test_two_browsers_both_type_a_journal_entry_and_both_are_saved(
    two_pages: tuple[Any, Any], base_url: str, screenshots: Path
) -> None:
    sd, rav = two_pages
    checks = PageCheck(screenshots / "journal-gemeinsam")
    case_url = _journal_form(sd, base_url, "demo-sd")
    assert _journal_form(rav, base_url, "demo-rav") == case_url

    sd_text = "Telefonat mit Herrn Brunner: Vorstellungsgespräch am Donnerstag bestätigt. " * 6
    rav_text = "Zuweisung an das Bewerbungsatelier erfolgt, Start nächste Woche. " * 6
    _type(sd, "Telefonat", sd_text.strip())
    _type(rav, "Zuweisung", rav_text.strip())
    checks.check(rav, "rav-tippt")

    sd.click("button:has-text('Eintrag speichern')")
    sd.wait_for_url(f"{case_url}/teil/journal?ok=journal")
    rav.click("button:has-text('Eintrag speichern')")  # its form was rendered before the other entry
    rav.wait_for_url(f"{case_url}/teil/journal?ok=journal")
    checks.check(rav, "rav-gespeichert")

    for page in (sd, rav):
        page.goto(f"{case_url}/teil/journal")
        shown = page.inner_text("main")
        assert sd_text.strip()[:60] in shown
        assert rav_text.strip()[:60] in shown
