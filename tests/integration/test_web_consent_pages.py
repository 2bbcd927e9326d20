"""Consent pages name the client, offer only the case's participants, and a withheld category says why
(revoked on a day, expired on a day, no consent) with a link to record one."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from app.adapters.db.access_models import ConsentRow
from app.services.context import LOCAL_TIME
from tests.api_helpers import Api, days_ago
from tests.integration.web_client import _csrf

SignIn = Callable[[str], TestClient]


def _case_with_rav_and_assessment(api: Api) -> str:
    case_id = api.open_case("sd")["id"]
    api.add_participant(case_id, api.world.rav.id)
    api.ok(
        case_id,
        "assessments",
        {"kind": "kurzassessment", "assessed_on": days_ago(10), "findings": "belastbar"},
    )
    return case_id


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', html, re.S)
    assert select, html
    return re.findall(r'<option value="[0-9a-f-]{36}"[^>]*>([^<]+)</option>', select.group(0))


def test_the_consent_page_names_the_client_and_offers_only_the_participants(
    api: Api, browser_for: SignIn
) -> None:
    case_id = _case_with_rav_and_assessment(api)
    page = browser_for("sd").get(f"/faelle/{case_id}/einwilligungen")
    assert page.status_code == 200
    assert "<h1>Fall Keller, Mara</h1>" in page.text
    for select_id in ("von_stelle", "an_stelle"):
        assert sorted(_options(page.text, select_id)) == ["RAV Solothurn", "Sozialregion Wasseramt"]
    assert 'href="/faelle/' + case_id + '/einwilligungen" aria-current="page"' in page.text


def test_a_withheld_category_says_there_is_no_consent_and_links_to_record_one(
    api: Api, browser_for: SignIn
) -> None:
    case_id = _case_with_rav_and_assessment(api)
    page = browser_for("rav").get(f"/faelle/{case_id}/teil/abklaerungen").text
    assert "nicht freigegeben: keine Einwilligung" in page
    assert f'href="/faelle/{case_id}/einwilligungen#einwilligung-erfassen"' in page


def test_a_revoked_consent_is_named_with_its_day(api: Api, browser_for: SignIn) -> None:
    case_id = _case_with_rav_and_assessment(api)
    consent = api.grant_consent(case_id, [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    rav = browser_for("rav")
    assert "nicht freigegeben" not in _section(rav.get(f"/faelle/{case_id}/teil/abklaerungen").text)
    api.ok(case_id, f"consents/{consent['id']}/revocation", {"reason": "Telefonisch widerrufen."}, "rav")
    today = datetime.now(LOCAL_TIME).strftime("%d.%m.%Y")
    assert f"Einwilligung widerrufen am {today}" in rav.get(f"/faelle/{case_id}/teil/abklaerungen").text
    listed = browser_for("sd").get(f"/faelle/{case_id}/einwilligungen").text
    assert f"widerrufen am {today}" in listed


def test_an_expired_consent_is_named_with_its_day(api: Api, browser_for: SignIn, engine: Engine) -> None:
    case_id = _case_with_rav_and_assessment(api)
    consent = api.grant_consent(case_id, [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    with engine.begin() as connection:  # time has passed: the consent ran out two days ago
        connection.execute(
            update(ConsentRow)
            .where(ConsentRow.id == uuid.UUID(consent["id"]))
            .values(valid_until=two_days_ago)
        )
    ended = two_days_ago.astimezone(LOCAL_TIME).strftime("%d.%m.%Y")
    page = browser_for("rav").get(f"/faelle/{case_id}/teil/abklaerungen").text
    assert f"Einwilligung abgelaufen am {ended}" in page


def test_a_revocation_needs_its_confirmation_and_keeps_the_typed_note(api: Api, browser_for: SignIn) -> None:
    case_id = _case_with_rav_and_assessment(api)
    consent = api.grant_consent(case_id, [(api.world.sozialdienst.id, api.world.rav.id)], ["potenzial"])
    web = browser_for("sd")
    page = web.get(f"/faelle/{case_id}/einwilligungen/{consent['id']}/widerruf")
    assert "<h1>Fall Keller, Mara</h1>" in page.text
    refused = web.post(
        f"/faelle/{case_id}/einwilligungen/{consent['id']}/widerruf",
        data={"csrf_token": _csrf(page.text), "reason": "Am Schalter mündlich erklärt."},
    )
    assert refused.status_code == 422
    assert "Am Schalter mündlich erklärt.</textarea>" in refused.text
    assert "Bitte bestätigen Sie den Widerruf." in refused.text


def _section(html: str) -> str:
    found = re.search(r'data-category="potenzial">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""
