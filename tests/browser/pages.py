"""Helpers of the browser tests: signing in, and checking each page (axe-core, CSP, screenshot)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).parent / "vendor"
AXE_SOURCE = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = {"serious", "critical"}
ALL_IMPACTS = {"minor", "moderate", "serious", "critical"}
PASSWORD = "cockpit-demo"


@dataclass
class PageCheck:
    """Checks every page a test visits; remembers what it found for the summary."""

    screenshots: Path
    zoomed: bool = False  # also at 200 % zoom (half the viewport's width), with no violation at all
    pages: list[str] = field(default_factory=list)
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.screenshots.mkdir(parents=True, exist_ok=True)

    def check(self, page: Any, name: str) -> None:
        self._check(page, name, BLOCKING_IMPACTS if not self.zoomed else ALL_IMPACTS)
        if self.zoomed:
            size = page.viewport_size
            page.set_viewport_size({"width": size["width"] // 2, "height": size["height"] // 2})
            try:
                self._check(page, f"{name}-200-prozent", ALL_IMPACTS)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                wide = _too_wide(page) if overflow > 0 else []
                assert overflow <= 0, f"{name} scrolls sideways at 200 % zoom ({overflow} px): {wide}"
            finally:
                page.set_viewport_size(size)

    def _check(self, page: Any, name: str, impacts: set[str]) -> None:
        # axe is evaluated through the DevTools protocol, not as a page script: the app's CSP stays strict
        page.evaluate(AXE_SOURCE + "\n;undefined")
        found = page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ['violations']});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))
                }));
            }"""
        )
        self.pages.append(name)
        self.violations[name] = found
        report = self.screenshots / "axe-results.json"
        report.write_text(json.dumps(self.violations, indent=1, ensure_ascii=False), encoding="utf-8")
        page.screenshot(path=str(self.screenshots / f"{len(self.pages):02d}-{name}.png"), full_page=True)
        blocking = [v for v in found if v["impact"] in impacts]
        assert not blocking, f"axe-core auf {name}: {blocking}"


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/anmelden")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Anmelden')")
    page.wait_for_url(f"{base_url}/start")


def sign_out(page: Any) -> None:
    page.click("button:has-text('Abmelden')")


def section_state(page: Any) -> dict[str, str]:
    """Per data category of the case overview: 'withheld', 'shown' (entries) or 'empty'."""
    states: dict[str, str] = {}
    for section in page.query_selector_all("section.category"):
        category = section.get_attribute("data-category")
        text = section.inner_text()
        if section.query_selector("p.withheld"):
            states[category] = "withheld"
        elif "Keine Einträge." in text:
            states[category] = "empty"
        else:
            states[category] = "shown"
    return states


def _too_wide(page: Any) -> list[str]:
    """The innermost elements reaching past the window's right edge (what makes a page scroll sideways)."""
    return list(
        page.evaluate(
            """() => {
                const past = e => e.getBoundingClientRect().right > window.innerWidth + 1;
                return [...document.querySelectorAll('body *')]
                    .filter(e => past(e) && ![...e.children].some(past))
                    .slice(0, 5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className ? '.' + e.className : '') + ': ' + e.textContent.trim().slice(0, 40));
            }"""
        )
    )
