"""Small helpers that keep the API tests readable."""

from __future__ import annotations

import base64
import dataclasses
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container
from app.demo.forms import one_page_pdf
from app.domain.ahvn13 import ean13_check_digit
from app.entrypoints.api.app import create_app
from tests.world import World

_serial = itertools.count(1)
SIGNED_FORM = one_page_pdf("unterschriebenes Formular")


def new_ahvn13() -> str:
    """A valid, formatted AHVN13 that no other test uses."""
    body = f"756{next(_serial) + 10_000_000:09d}"
    digits = body + str(ean13_check_digit(body))
    return f"{digits[0:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:13]}"


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


class Api:
    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.world = world

    def headers(self, user: str, etag: str | None = None) -> dict[str, str]:
        extra = {"If-Match": etag} if etag else {}
        return self.world.as_user(user, **extra)

    def register_person(self, user: str = "sd", **fields: Any) -> dict[str, Any]:
        body = {
            "ahvn13": new_ahvn13(),
            "family_name": "Keller",
            "given_name": "Mara",
            "birth_date": "1984-03-12",
        }
        body.update(fields)
        response = self.client.post("/api/v1/persons", json=body, headers=self.headers(user))
        assert response.status_code == 201, response.text
        return response.json()

    def open_case(self, user: str = "sd", opened_days_ago: int = 400, **fields: Any) -> dict[str, Any]:
        person = self.register_person(user)
        body = {
            "person_id": person["id"],
            "local_reference": f"REF-{next(_serial)}",
            "opened_on": days_ago(opened_days_ago),
        }
        body.update(fields)
        response = self.client.post("/api/v1/cases", json=body, headers=self.headers(user))
        assert response.status_code == 201, response.text
        return response.json()

    def get_case(self, case_id: str, user: str = "sd") -> Any:
        return self.client.get(f"/api/v1/cases/{case_id}", headers=self.headers(user))

    def post(
        self, case_id: str, path: str, body: dict[str, Any], user: str = "sd", etag: str | None = None
    ) -> Any:
        return self.client.post(
            f"/api/v1/cases/{case_id}/{path}", json=body, headers=self.headers(user, etag)
        )

    def ok(self, case_id: str, path: str, body: dict[str, Any], user: str = "sd") -> dict[str, Any]:
        response = self.post(case_id, path, body, user)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def add_participant(
        self, case_id: str, institution_id: Any, user: str = "sd", assign: bool = True
    ) -> dict[str, Any]:
        """The lead invites the institution, its supervisor accepts and then assigns its test caseworker
        (unless `assign=False`)."""
        invited = self.ok(
            case_id, "participants", {"institution_id": str(institution_id), "local_reference": "EXT-1"}, user
        )
        staff = self.world.staff_of(uuid.UUID(str(institution_id)))
        if staff is None:
            return invited
        body = self.accept_invitation(case_id, invited, institution_id, staff[0])
        if assign:
            self.assign(case_id, *staff)
        return body

    def accept_invitation(
        self, case_id: str, case_body: dict[str, Any], institution_id: Any, user: str, **answer: Any
    ) -> dict[str, Any]:
        """The invited institution accepts its open invitation (shown in the inviter's answer)."""
        invitation = next(
            i
            for i in case_body["fallfuehrung"]["invitations"]
            if i["institution_id"] == str(institution_id) and i["status"] == "pending"
        )
        return self.ok(case_id, f"invitations/{invitation['id']}/accept", answer, user)

    def grant_consent(
        self,
        case_id: str,
        flows: list[tuple[Any, Any]],
        categories: list[str],
        user: str = "sd",
        **fields: Any,
    ) -> dict[str, Any]:
        return self.ok(case_id, "consents", consent_body(self.world, flows, categories, user, **fields), user)

    def assign(self, case_id: str, supervisor: str, caseworker: str) -> None:
        response = self.client.post(
            f"/api/v1/cases/{case_id}/assignments",
            json={"user_id": str(self.world.users[caseworker].id)},
            headers=self.headers(supervisor),
        )
        assert response.status_code == 201, response.text


def consent_body(
    world: World, flows: list[tuple[Any, Any]], categories: list[str], user: str = "sd", **fields: Any
) -> dict[str, Any]:
    """A consent as the API takes it, with a signed form (a small PDF) collected by `user`."""
    body: dict[str, Any] = {
        "flows": [{"from_institution_id": str(a), "to_institution_id": str(b)} for a, b in flows],
        "categories": categories,
        "purpose": "Koordination im DFF",
        "evidence": {
            "file": base64.b64encode(SIGNED_FORM).decode(),
            "form_version": "DFF-EW-2025.1",
            "collected_by": str(world.users[user].id),
            "collected_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "language": "de",
        },
    }
    body.update(fields)
    return body


def client_with(
    container: Container, *, uow_factory: Any = None, clock: Any = None, **client_options: Any
) -> TestClient:
    """A client of the app wired like `container`, with the unit of work or the clock replaced by a fake."""
    changed = dataclasses.replace(
        container, uow_factory=uow_factory or container.uow_factory, clock=clock or container.clock
    )
    return TestClient(create_app(container.settings, changed), **client_options)


def recording_with(engine: Engine, audit_factory: Any, vault: Vault) -> Any:
    """A unit-of-work factory whose audit recorder is `audit_factory` (a fake)."""
    session_factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(session_factory, audit_factory=audit_factory, vault=vault)
