"""Documents in the thin client: upload, list and download, only what the user may see."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from fpdf import FPDF
from sqlalchemy import Engine

from tests.api_helpers import Api
from tests.audit_log import last_audit_event
from tests.integration.web_client import _csrf
from tests.world import World

SignIn = Callable[[str], TestClient]


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _upload(
    web: TestClient, case_id: str, category: str, content: bytes, name: str = "bericht.pdf"
) -> object:
    shown = web.get(f"/faelle/{case_id}/dokumente").text
    return web.post(
        f"/faelle/{case_id}/dokumente",
        data={"csrf_token": _csrf(shown), "category": category},
        files={"datei": (name, content, "application/pdf")},
        follow_redirects=False,
    )


def test_the_caseworker_uploads_lists_and_downloads_a_document(
    api: Api, browser_for: SignIn, engine: Engine
) -> None:
    case_id = api.open_case("sd")["id"]
    web = browser_for("sd")
    content = _pdf("Budget 2027")

    done = _upload(web, case_id, "sozialhilfe", content, "Budget 2027.pdf")

    assert done.status_code == 303, done.text
    assert last_audit_event(engine).operation == "documents.store"
    page = web.get(done.headers["location"]).text
    assert "Das Dokument ist abgelegt." in page and "Budget 2027.pdf" in page
    link = re.search(rf'href="(/faelle/{case_id}/dokumente/[0-9a-f-]{{36}})"', page)
    assert link
    downloaded = web.get(link.group(1))
    assert downloaded.status_code == 200 and downloaded.content == content
    assert "attachment" in downloaded.headers["content-disposition"]
    assert last_audit_event(engine).operation == "documents.read"


def test_a_participant_without_consent_neither_sees_nor_downloads_the_document(
    api: Api, browser_for: SignIn, world: World
) -> None:
    case_id = api.open_case("sd")["id"]
    api.add_participant(case_id, world.rav.id)
    owner = browser_for("sd")
    assert _upload(owner, case_id, "sozialhilfe", _pdf("Budget")).status_code == 303
    link = re.search(
        rf'href="(/faelle/{case_id}/dokumente/[0-9a-f-]{{36}})"',
        owner.get(f"/faelle/{case_id}/dokumente").text,
    )
    assert link

    rav = browser_for("rav")
    page = rav.get(f"/faelle/{case_id}/dokumente").text
    assert "bericht.pdf" not in page and "Nicht freigegeben" in page
    assert rav.get(link.group(1)).status_code == 404


def test_a_file_that_is_not_a_document_is_refused_beside_the_file_field(
    api: Api, browser_for: SignIn
) -> None:
    case_id = api.open_case("sd")["id"]
    web = browser_for("sd")

    refused = _upload(web, case_id, "sozialhilfe", b"MZ\x90\x00 not a document", "tool.exe")

    assert refused.status_code == 422
    assert 'id="d-datei-fehler"' in refused.text or 'id="formfehler"' in refused.text
    assert "tool.exe" not in web.get(f"/faelle/{case_id}/dokumente").text
