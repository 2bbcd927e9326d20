"""One client through the whole IIZ process in Chromium, with a clock the test moves: the RAV refers,
the Sozialdienst admits and leads, the IV is invited and accepts, Mitwirkung, intake steps, segment,
plan, Standortbestimmung after six months, a conference with action items, the lead handed over to the
IV with its acceptance, closure and the follow-up after six months – the Pendenzen page on the way.

The app runs in this process (uvicorn in a thread) so the test can move its clock, on its own SQLite
database with the demo data, as `make run` prepares it."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import build_container
from app.entrypoints.api.app import create_app
from app.settings import Settings
from tests.api_helpers import new_ahvn13
from tests.browser.pages import PageCheck, sign_in
from tests.integration.test_api_iiz_process import Clock
from tests.integration.test_serve import _free_port


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def walk_url(server_env: dict[str, str], clock: Clock) -> Iterator[str]:
    import uvicorn

    settings = Settings(
        database_url=server_env["COCKPIT_DATABASE_URL"],
        keyring_path=Path(server_env["COCKPIT_KEYRING_PATH"]),
        audit_signing_key_file=Path(server_env["COCKPIT_AUDIT_SIGNING_KEY_FILE"]),
        auth_signing_key_dir=Path(server_env["COCKPIT_AUTH_SIGNING_KEY_DIR"]),
        receipt_dir=Path(server_env["COCKPIT_RECEIPT_DIR"]),
    )
    container = dataclasses.replace(build_container(settings), clock=clock)  # type: ignore[arg-type]
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, container), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "Der Dienst ist nicht gestartet."
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def checks(screenshots: Path, request: pytest.FixtureRequest) -> PageCheck:
    return PageCheck(screenshots / request.node.name.removeprefix("test_"))


class Walk:
    """Each step signs in afresh: a jump of months ends every session, as it would."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.context: Any = None

    def as_user(self, username: str) -> Any:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(locale="de-CH")
        self.context.set_default_timeout(10_000)
        page = self.context.new_page()
        sign_in(page, self.base_url, username)
        return page

    def goto(self, page: Any, path: str) -> None:
        page.goto(f"{self.base_url}{path}")


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


def _pendenzen_row(page: Any, walk: Walk, client: str, what: str) -> str:
    walk.goto(page, "/pendenzen")
    rows = [r for r in page.locator("table tbody tr").all_inner_texts() if client in r and what in r]
    return rows[0] if rows else ""


def test_one_client_through_the_whole_process_in_chromium(
    browser: Any, walk_url: str, clock: Clock, checks: PageCheck
) -> None:
    walk = Walk(browser, walk_url)
    client = "Zaugg"
    day = lambda d: d.strftime("%d.%m.%Y")  # noqa: E731

    # The RAV refers the client to the case management of the region.
    rav = walk.as_user("demo-rav")
    walk.goto(rav, "/zuweisungen")
    rav.click("text=Klient/in der IIZ-Fallführung zuweisen")
    rav.fill("#ahv", new_ahvn13())
    rav.fill("#nachname", client)
    rav.fill("#vorname", "Nora")
    rav.fill("#geburtsdatum", "14.05.1979")
    rav.select_option("#region", label="Sozialregion Wasseramt")
    rav.fill("#grund", "Langzeitarbeitslos, gesundheitliche Einschränkungen")
    rav.fill("#versucht", "Bewerbungscoaching")
    rav.select_option("#dringlichkeit", "urgent")
    checks.check(rav, "zuweisung-erfassen")
    rav.click("button:has-text('Zuweisung absenden')")
    rav.wait_for_url("**/zuweisungen?ok=erfasst")
    assert "wartet auf Aufnahmeentscheid" in _main(rav)

    # The Sozialdienst sees it in its Pendenzen, meets and admits with itself as lead.
    sd = walk.as_user("demo-sd")
    walk.goto(sd, "/pendenzen")
    assert "Zuweisung: Aufnahmeentscheid" in _main(sd)
    walk.goto(sd, "/zuweisungen")
    checks.check(sd, "zuweisungen-zu-entscheiden")
    section = sd.locator("section", has_text="Langzeitarbeitslos, gesundheitliche")
    section.locator("button:has-text('Gespräch planen')").click()
    sd.wait_for_url("**/zuweisungen?ok=gespraech")
    section = sd.locator("section", has_text="Langzeitarbeitslos, gesundheitliche")
    section.locator("select[name=outcome]").select_option("admitted")
    section.locator("textarea[name=reason]").fill("Mehrere Stellen nötig")
    section.locator("select[name=lead]").select_option(label="Sozialregion Wasseramt")
    section.locator("input[name=local_reference]").fill("WA-20001")
    section.locator("button:has-text('Entscheid speichern')").click()
    sd.wait_for_url("**/faelle/*?ok=eroeffnet")
    match = re.search(r"/faelle/([0-9a-f-]{36})", sd.url)
    assert match is not None
    case = f"/faelle/{match.group(1)}"
    assert "Segmentierung der Fallaufnahme" in _pendenzen_row(sd, walk, client, "Segmentierung")

    # The IV is invited; it takes part only once it accepts in its Pendenzen.
    walk.goto(sd, case)
    sd.click("summary:has-text('Stelle in den Fall aufnehmen')")
    sd.select_option("#stelle", label="IV-Stelle Solothurn")
    sd.fill("#aktenzeichen", "IV-1")
    sd.click("button:has-text('Stelle einladen')")
    sd.wait_for_load_state()
    iv = walk.as_user("demo-iv-lead")
    walk.goto(iv, "/pendenzen")
    form = iv.locator(f"form[action*='{match.group(1)}'][action$='/annehmen']")
    form.locator("input[name=local_reference]").fill("IV-320.1")
    form.locator("button:has-text('Einladung annehmen')").click()
    iv.wait_for_url("**/pendenzen?ok=angenommen")

    # Intake steps, segment, activation; a goal and the client's Mitwirkung.
    sd = walk.as_user("demo-sd")
    walk.goto(sd, f"{case}/teil/abklaerungen")
    for choice in ("need:in_need", "subsidiarity:no_prior_benefit", "kurzassessment:completed"):
        sd.click("summary:has-text('Schritt der Fallaufnahme erfassen')")
        sd.select_option("#f-schritt", choice)
        sd.click("button:has-text('Schritt speichern')")
        sd.wait_for_load_state()
        assert "Der Schritt der Fallaufnahme ist erfasst." in _main(sd)
        walk.goto(sd, f"{case}/teil/abklaerungen")
    walk.goto(sd, case)
    sd.click("summary:has-text('Segment festlegen')")
    sd.select_option("#segment", "V")
    sd.fill("#begruendung", "Potenzial vorhanden")
    sd.click("button:has-text('Segment speichern')")
    sd.wait_for_load_state()
    walk.goto(sd, case)
    sd.click("button:has-text('Fallaufnahme beenden')")
    sd.wait_for_load_state()
    walk.goto(sd, f"{case}/teil/plan")
    sd.click("summary:has-text('Ziel erfassen')")
    sd.fill("#z-titel", "Stelle im ersten Arbeitsmarkt")
    sd.fill("#z-termin", day(clock.today + timedelta(days=300)))
    sd.click("button:has-text('Ziel speichern')")
    sd.wait_for_load_state()
    walk.goto(sd, f"{case}/teil/plan")
    sd.click("summary:has-text('Mitwirkung und Zielvereinbarung festhalten')")
    sd.select_option("#mw-form", "oral")
    checks.check(sd, "mitwirkung")
    sd.fill("#mw-strategie", "Arbeit zuerst")
    sd.click("button:has-text('Mitwirkung speichern')")
    sd.wait_for_url("**/teil/plan?ok=mitwirkung")
    assert "Mit der Klientin / dem Klienten vereinbart\nja" in _main(sd)

    # Six months later the reassessment is overdue; a Standortbestimmung and the segment again.
    clock.advance(months=6, days=1)
    sd = walk.as_user("demo-sd")
    assert "überfällig" in _pendenzen_row(sd, walk, client, "Neubeurteilung")
    walk.goto(sd, f"{case}/teil/standortbestimmungen")
    sd.click("summary:has-text('Standortbestimmung erfassen')")
    sd.fill("#r-zusammenfassung", "Bewerbungen laufen")
    sd.click("button:has-text('Standortbestimmung speichern')")
    sd.wait_for_load_state()
    walk.goto(sd, case)
    sd.click("summary:has-text('Segment festlegen')")
    sd.select_option("#segment", "V")
    sd.fill("#begruendung", "unverändert")
    sd.click("button:has-text('Segment speichern')")
    sd.wait_for_load_state()
    assert _pendenzen_row(sd, walk, client, "Neubeurteilung") == ""

    # A conference planned a week ahead, held, its minutes with an action item for the IV.
    walk.goto(sd, f"{case}/teil/fallkonferenzen")
    sd.click("summary:has-text('Fallkonferenz planen')")
    sd.fill("#kp-datum", day(clock.today + timedelta(days=7)))
    sd.click("button:has-text('Fallkonferenz planen')")
    sd.wait_for_load_state()
    clock.advance(days=7)
    sd = walk.as_user("demo-sd")
    walk.goto(sd, f"{case}/teil/fallkonferenzen")
    sd.click("summary:has-text('Protokoll der Fallkonferenz')")
    minutes = sd.locator("form[action$='/protokoll']")
    minutes.locator("textarea[name=decisions]").fill("IV klärt berufliche Massnahme ab")
    minutes.locator("input[name=item_title]").first.fill("Abklärung einleiten")
    minutes.locator("select[name=item_owner]").first.select_option(label="IV-Stelle Solothurn")
    minutes.locator("input[name=item_due]").first.fill(day(clock.today + timedelta(days=14)))
    checks.check(sd, "protokoll")
    minutes.locator("button:has-text('Protokoll speichern')").click()
    sd.wait_for_url("**/teil/fallkonferenzen?ok=protokoll")

    # The lead is offered to the IV with a note; the Sozialdienst stays lead until the IV accepts.
    walk.goto(sd, case)
    sd.click("summary:has-text('Fallführung übergeben')")
    sd.select_option("#neue-fallfuehrung", label="IV-Stelle Solothurn")
    sd.fill("#uebergabenotiz", "Berufliche Massnahme der IV steht im Vordergrund.")
    sd.click("button:has-text('Fallführung anbieten')")
    sd.wait_for_url("**/faelle/*?ok=uebergeben")
    iv = walk.as_user("demo-iv-lead")
    assert "Pendenz aus der Fallkonferenz" in _pendenzen_row(iv, walk, client, "Fallkonferenz")
    walk.goto(iv, "/pendenzen")
    iv.locator(f"form[action*='{match.group(1)}'][action$='/annehmen'] button").click()
    iv.wait_for_url("**/pendenzen?ok=angenommen")
    walk.goto(iv, f"{case}/teil/fallkonferenzen")
    checks.check(iv, "konferenz-pendenzen")
    iv.click("button:has-text('Erledigt')")
    iv.wait_for_url("**/teil/fallkonferenzen?ok=pendenz-erledigt")
    assert _pendenzen_row(iv, walk, client, "Fallkonferenz") == ""

    # The new lead closes the case; the follow-up result waits six months.
    walk.goto(iv, f"{case}/teil/abschluss")
    iv.click("summary:has-text('Fall abschliessen')")
    iv.select_option("#a-grund", "erwerbsarbeit")
    iv.fill("#a-notiz", "Festanstellung")
    iv.click("button:has-text('Fall abschliessen')")
    iv.wait_for_load_state()
    clock.advance(months=6)
    iv = walk.as_user("demo-iv-lead")
    assert "heute fällig" in _pendenzen_row(iv, walk, client, "Nachbetreuung")
    walk.goto(iv, f"{case}/teil/abschluss")
    iv.click("button:has-text('Nachbetreuung beginnen')")
    iv.wait_for_load_state()
    walk.goto(iv, f"{case}/teil/abschluss")
    iv.click("summary:has-text('Nachbetreuung abschliessen')")
    iv.select_option("#n-ergebnis", "sustainable")
    iv.click("button:has-text('Nachbetreuung abschliessen')")
    iv.wait_for_load_state()
    assert _pendenzen_row(iv, walk, client, "Nachbetreuung") == ""


def test_the_clearing_body_decides_the_declined_referral_of_the_demo(
    browser: Any, walk_url: str, checks: PageCheck
) -> None:
    walk = Walk(browser, walk_url)
    ags = walk.as_user("demo-ags-cm")
    ags.click("nav.main >> text=Zuweisungen")
    assert "Entscheid der Schlichtungsstelle" in _main(ags)
    checks.check(ags, "schlichtung")
    section = ags.locator("section", has_text="das RAV bleibt zuständig")
    section.locator("select[name=outcome]").select_option("declined")
    section.locator("button:has-text('Entscheid speichern')").click()
    assert ags.url.endswith("/zuweisungen")  # the reason is required: the browser asks first
    section = ags.locator("section", has_text="das RAV bleibt zuständig")
    section.locator("textarea[name=reason]").fill("Ablehnung bestätigt: keine Mehrfachproblematik.")
    section.locator("button:has-text('Entscheid speichern')").click()
    ags.wait_for_url("**/zuweisungen?ok=geschlichtet")
    assert "Keine Zuweisung wartet auf einen Entscheid Ihrer Stelle." in _main(ags)
    assert "von der Schlichtungsstelle entschieden" in _main(ags)
