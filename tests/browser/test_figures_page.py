"""The Kennzahlen page in Chromium for the Kantonale Steuerung (demo-ags) over a synthetic canton:
axe-core, screenshots of the page and of the PDF report's pages (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.home import run_cockpit
from tests.browser.pages import PageCheck, sign_in
from tests.integration.test_serve import _free_port, _wait_for_line


@pytest.fixture(scope="module")
def base_url(server_env: dict[str, str]) -> Iterator[str]:
    """The demo seed plus 3,000 synthetic cases of `cockpit demo figures`."""
    cockpit = str(Path(sys.executable).with_name("cockpit"))
    run_cockpit(server_env, "demo", "figures", "--cases", "3000")
    port = _free_port()
    server = subprocess.Popen(
        [cockpit, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_line(server, "Application startup complete")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        assert server.stdout is not None
        server.stdout.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-CH", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def test_steering_reads_the_figures_page_and_the_pdf_report(
    page: Any, base_url: str, screenshots: Path
) -> None:
    checks = PageCheck(screenshots / "figures_page", zoomed=True)
    sign_in(page, base_url, "demo-ags")
    page.click("nav.main >> text=Kennzahlen")
    page.fill("#von", "01.01.2026")
    page.click("button:has-text('Kennzahlen anzeigen')")
    assert page.locator("svg.chart").count() == 12
    checks.check(page, "kennzahlen")
    page.select_option("#region", "Sozialregion Olten")
    page.click("button:has-text('Kennzahlen anzeigen')")
    assert "Sozialregion: Sozialregion Olten" in page.inner_text("#grundlage + p")
    checks.check(page, "kennzahlen-olten")
    with page.expect_download() as download:
        page.click("text=Bericht als PDF")
    pdf = checks.screenshots / "kennzahlen.pdf"
    download.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(checks.screenshots / "pdf-seite")], check=True
        )
        assert list(checks.screenshots.glob("pdf-seite-*.png"))
    assert page.console_errors == []
