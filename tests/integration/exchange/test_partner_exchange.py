"""Acceptance: what the RAV's system imports reaches the Sozialdienst's system on consent, and only then.

The RAV imports a job seeker, brings the Sozialdienst into the case and, with the client's consent
RAV→Sozialdienst for `arbeitsmarkt`, later imports an expected Aussteuerung. The Sozialdienst's system
hears "Aussteuerung droht" by webhook, pulls its export in its own CSV and keeps the RAV's facts with
source and basis. Without the consent it hears nothing, and its export is the same byte for byte
whatever the RAV holds.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.events.delivery import DeliveryWorker, HttpSender
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.institutions import FORMATS
from app.adapters.legal_basis_file import packaged_rule_book
from app.adapters.unit_of_work import SqlUnitOfWork
from app.bootstrap import Container, SystemClock, outboxing_audit_recorder
from app.domain.categories import DataCategory
from app.domain.consent import Flow
from app.domain.exchange import DossierRecord, ImportLimits
from app.domain.institutions import Institution, InstitutionKind
from app.domain.principal import Principal, PrincipalKind
from app.domain.shared_data import SharedEntry, SharedSection
from app.entrypoints.api.app import create_app
from app.entrypoints.api.deps import current_principal
from app.services.access_config import AccessConfig
from app.services.consents import GrantConsent, confirm_consent, grant_consent
from app.services.context import RequestContext
from app.services.event_audience import event_audience
from app.services.invitations import Answer, answer_invitation
from app.services.participants import add_participant
from app.services.ports import UnitOfWork
from app.settings import Settings
from tests.api_helpers import SIGNED_FORM
from tests.integration.events.receiver import Receiver, running_receiver
from tests.integration.exchange.helpers import FIXTURES
from tests.world import World, build_world

EXPECTED_END = date.today() + timedelta(days=30)  # within the default horizon of 90 days

KEYS = LocalKeyring.in_memory()  # seals the webhook secrets of this module


@pytest.fixture
def outboxing(engine: Engine, vault: Vault) -> Callable[[], UnitOfWork]:
    session_factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(session_factory, audit_factory=outboxing_audit_recorder, vault=vault)


@pytest.fixture
def cast(outboxing: Callable[[], UnitOfWork]) -> World:
    return build_world(outboxing)


def _system(institution: Institution) -> Principal:
    return Principal(uuid.uuid4(), PrincipalKind.SYSTEM, f"system-{institution.code}", institution.id)


@dataclass
class Systems:
    """The institutions' systems calling the API; `acting` is whose credentials the next call carries."""

    client: TestClient
    acting: dict[str, Principal] = field(default_factory=dict)

    def as_(self, institution: Institution) -> TestClient:
        self.acting["principal"] = _system(institution)
        return self.client


@pytest.fixture
def systems(
    settings: Settings, engine: Engine, vault: Vault, outboxing: Callable[[], UnitOfWork]
) -> Iterator[Systems]:
    container = Container(
        settings=settings, engine=engine, uow_factory=outboxing, clock=SystemClock(), vault=vault
    )
    app = create_app(settings, container)
    with TestClient(app, raise_server_exceptions=False) as client:
        holder = Systems(client)
        app.dependency_overrides[current_principal] = lambda: holder.acting["principal"]
        yield holder


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@dataclass
class SozialdienstSystem:
    """The Sozialdienst's case-management software: on each notice it pulls the case in its own
    CSV and keeps what partners shared, by source, category and section."""

    systems: Systems
    institution: Institution
    receiver: Receiver
    partner_entries: dict[tuple[str, DataCategory, SharedSection], SharedEntry] = field(default_factory=dict)
    handled: set[str] = field(default_factory=set)

    def pull(self, case_id: uuid.UUID | str) -> bytes:
        response = self.systems.as_(self.institution).get(f"/api/v1/exchange/sozialdienst/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.content

    def handle_notices(self) -> None:
        for event in self.receiver.received:
            if str(event["id"]) in self.handled:
                continue
            self.handled.add(str(event["id"]))
            [record] = FORMATS[InstitutionKind.SOZIALDIENST].parse(
                self.pull(str(event["case_id"])), ImportLimits()
            )
            assert isinstance(record, DossierRecord)
            for entry in record.shared:
                self.partner_entries[(entry.source, entry.category, entry.section)] = entry


def _rav_file(code: str, expected_end: date | None) -> bytes:
    text = (FIXTURES / "rav_stellensuchende.xml").read_text(encoding="utf-8").replace("RAV-SOLOTHURN", code)
    element = "<VoraussichtlicheAussteuerung>2026-12-31</VoraussichtlicheAussteuerung>"
    replacement = "" if expected_end is None else element.replace("2026-12-31", expected_end.isoformat())
    return text.replace(element, replacement, 1).encode()


def _deliver(outboxing: Callable[[], UnitOfWork], engine: Engine) -> None:
    now = lambda: datetime.now(UTC)  # noqa: E731 - the worker's clock
    audience = event_audience(outboxing, AccessConfig(rules=packaged_rule_book()), now)
    worker = DeliveryWorker(
        make_session_factory(engine),
        HttpSender(5),
        now,
        audience,
        sequence=OutboxSequencer(engine).sequence,
        keys=KEYS,
    )
    while worker.run_once():
        pass


def _rav_imports(systems: Systems, cast: World, expected_end: date | None) -> uuid.UUID:
    response = systems.as_(cast.rav).post(
        "/api/v1/exchange/rav/imports", content=_rav_file(cast.rav.code, expected_end)
    )
    assert response.status_code == 200, response.text
    return uuid.UUID(response.json()["results"][0]["case_id"])


def _sozialdienst_joins(
    outboxing: Callable[[], UnitOfWork], cast: World, case_id: uuid.UUID
) -> RequestContext:
    ctx = RequestContext(_system(cast.rav), uuid.uuid4().hex, datetime.now(UTC))
    view = add_participant(outboxing(), ctx, case_id, None, cast.sozialdienst.id, "SD-24-0900", None)
    # an invitation, not conscription: the Sozialdienst's system accepts it
    invitation = next(i for i in view.invitations if i.institution_id == cast.sozialdienst.id)
    invited = RequestContext(_system(cast.sozialdienst), uuid.uuid4().hex, datetime.now(UTC))
    answer_invitation(
        outboxing(), invited, case_id, invitation.id, Answer(accept=True, local_reference="SD-24-0900")
    )
    return ctx


def _consent_rav_to_sd(
    outboxing: Callable[[], UnitOfWork], cast: World, ctx: RequestContext, case_id: uuid.UUID
) -> uuid.UUID:
    command = GrantConsent(
        flows=(Flow(cast.rav.id, cast.sozialdienst.id), Flow(cast.sozialdienst.id, cast.rav.id)),
        categories=frozenset({DataCategory.ARBEITSMARKT}),
        purpose="Koordination Stellensuche und Sozialhilfe",
        form_version="E-2026",
        collected_by_user_id=cast.users["rav"].id,
        collected_at=ctx.now - timedelta(minutes=5),
        language="de",
        evidence_file=SIGNED_FORM,
    )
    consent_id = grant_consent(outboxing(), ctx, case_id, command).consent.id
    # the Sozialdienst owns the reverse flow (the RAV's Gegenrecht): its system confirms the release
    owner = RequestContext(_system(cast.sozialdienst), uuid.uuid4().hex, datetime.now(UTC))
    confirm_consent(outboxing(), owner, case_id, consent_id)
    return consent_id


def _subscribe(engine: Engine, receiver: Receiver, institution: Institution) -> None:
    found = add_subscription(
        make_session_factory(engine), KEYS, institution.code, receiver.url, datetime.now(UTC)
    )
    assert found is not None
    receiver.secret = found[1]


def test_the_sozialdienst_system_receives_the_rav_facts_on_consent_with_source_and_basis(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine, systems: Systems, receiver: Receiver
) -> None:
    case_id = _rav_imports(systems, cast, expected_end=None)
    ctx = _sozialdienst_joins(outboxing, cast, case_id)
    consent_id = _consent_rav_to_sd(outboxing, cast, ctx, case_id)
    _subscribe(engine, receiver, cast.sozialdienst)

    assert _rav_imports(systems, cast, expected_end=EXPECTED_END) == case_id
    _deliver(outboxing, engine)
    sozialdienst = SozialdienstSystem(systems, cast.sozialdienst, receiver)
    sozialdienst.handle_notices()

    notices = [(e["type"], e["source_institution_id"], e["categories"]) for e in receiver.received]
    assert ("case.aussteuerung_droht", str(cast.rav.id), ["arbeitsmarkt"]) in notices
    assert EXPECTED_END.isoformat() not in str(receiver.received)  # notices name, never tell
    facts = sozialdienst.partner_entries[(cast.rav.code, DataCategory.ARBEITSMARKT, SharedSection.FACTS)]
    assert facts.basis == f"consent:{consent_id}"
    assert facts.value("aussteuerung_voraussichtlich") == EXPECTED_END.isoformat()
    assert facts.value("suchstatus") == "aktiv_suchend"
    assert facts.value("sanktionen.1.einstelltage") == "5"
    feed = systems.as_(cast.sozialdienst).get("/api/v1/events").json()["items"]
    assert ("case.aussteuerung_droht", str(cast.rav.id), ["arbeitsmarkt"]) in [
        (e["type"], e["source_institution_id"], e["categories"]) for e in feed
    ]  # the pull feed names the same as the webhook


def test_without_the_consent_the_pull_holds_no_rav_facts_and_does_not_tell_they_exist(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine, systems: Systems, receiver: Receiver
) -> None:
    case_id = _rav_imports(systems, cast, expected_end=None)
    _sozialdienst_joins(outboxing, cast, case_id)
    _subscribe(engine, receiver, cast.sozialdienst)
    sozialdienst = SozialdienstSystem(systems, cast.sozialdienst, receiver)
    _deliver(outboxing, engine)  # what the Sozialdienst may hear of until now (the case, its joining)
    receiver.received.clear()
    before = sozialdienst.pull(case_id)

    _rav_imports(systems, cast, expected_end=EXPECTED_END)
    _deliver(outboxing, engine)
    after = sozialdienst.pull(case_id)

    assert [e["type"] for e in receiver.received] == []  # no notice of the RAV's data, no Aussteuerung
    feed = systems.as_(cast.sozialdienst).get("/api/v1/events").json()["items"]
    assert not [
        e for e in feed if "arbeitsmarkt" in e["categories"] or e["type"] == "case.aussteuerung_droht"
    ]
    assert after == before
    assert not re.search(rb"arbeitsmarkt|" + cast.rav.code.encode(), after)
    [record] = FORMATS[InstitutionKind.SOZIALDIENST].parse(after, ImportLimits())
    assert isinstance(record, DossierRecord) and record.shared == ()


def test_a_system_cannot_plant_data_in_another_institutions_name_through_the_shared_section(
    outboxing: Callable[[], UnitOfWork], cast: World, engine: Engine, systems: Systems
) -> None:
    case_id = _rav_imports(systems, cast, expected_end=None)
    _sozialdienst_joins(outboxing, cast, case_id)
    source = cast.sozialdienst.code
    planted = (
        f'<Freigegeben><Eintrag Abschnitt="fakten" Quelle="{source}" Kategorie="sozialhilfe" Grundlage="own">'
        '<Angabe Name="unterstuetzungsstatus">abgeschlossen</Angabe></Eintrag></Freigegeben>'
    )
    payload = (
        _rav_file(cast.rav.code, None)
        .decode()
        .replace(
            "</Massnahmen>\n  </Stellensuchender>", "</Massnahmen>" + planted + "\n  </Stellensuchender>", 1
        )
    )
    assert planted in payload

    response = systems.as_(cast.rav).post("/api/v1/exchange/rav/imports", content=payload.encode())

    assert response.json()["results"][0]["outcome"] == "unchanged"  # the entry is read, never taken over
    with outboxing() as uow:
        assert uow.dossiers.get(case_id, cast.sozialdienst.id) is None
    export = systems.as_(cast.rav).get(f"/api/v1/exchange/rav/cases/{case_id}").content
    assert b"Freigegeben" not in export and b"unterstuetzungsstatus" not in export
