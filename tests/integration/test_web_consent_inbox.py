"""The data owner's inbox in the thin client: what waits for its confirmation, and the confirm button."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api_helpers import Api
from tests.integration.web_client import _csrf

SignIn = Callable[[str], TestClient]


def test_the_sozialdienst_sees_and_confirms_what_the_rav_recorded(api: Api, browser_for: SignIn) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    flows = [(api.world.sozialdienst.id, api.world.rav.id)]
    consent = api.grant_consent(case["id"], flows, ["sozialhilfe"], "rav")
    assert consent["status"] == "awaiting_confirmation"

    web = browser_for("sd")
    inbox = web.get("/einwilligungen/offen")
    assert inbox.status_code == 200
    assert f"/faelle/{case['id']}/einwilligungen" in inbox.text and "Sozialhilfe" in inbox.text

    page = web.get(f"/faelle/{case['id']}/einwilligungen").text
    assert "wartet auf" in page and "Freigabe bestätigen" in page
    done = web.post(
        f"/faelle/{case['id']}/einwilligungen/{consent['id']}/bestaetigung",
        data={"csrf_token": _csrf(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "Keine Einwilligung wartet" in web.get("/einwilligungen/offen").text

    rav_page = browser_for("rav").get(f"/faelle/{case['id']}/einwilligungen").text
    assert "Freigabe bestätigen" not in rav_page  # nothing of the RAV's own data waits


def test_the_thin_client_records_a_routing_consent_to_an_institution_off_the_case(
    api: Api, browser_for: SignIn
) -> None:
    from datetime import date

    from tests.api_helpers import SIGNED_FORM

    case = api.open_case("sd")
    web = browser_for("sd")
    page = web.get(f"/faelle/{case['id']}/einwilligungen").text
    assert "nur die Zuständigkeit" in page

    def record(category: str) -> object:
        return web.post(
            f"/faelle/{case['id']}/einwilligungen",
            data={
                "csrf_token": _csrf(page),
                "from_institution": str(api.world.sozialdienst.id),
                "to_institution": str(api.world.other_sozialdienst.id),
                "categories": [category],
                "purpose": "Zuständigkeit klären",
                "form_version": "DFF-EW-2025.1",
                "language": "de",
                "collected_on": date.today().strftime("%d.%m.%Y"),
            },
            files={"evidence": ("formular.pdf", SIGNED_FORM, "application/pdf")},
            follow_redirects=False,
        )

    refused = record("potenzial")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "kann eine Einwilligung nur die Zuständigkeit" in refused.text  # type: ignore[attr-defined]
    assert record("fallfuehrung").status_code == 303  # type: ignore[attr-defined]
