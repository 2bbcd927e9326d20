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
