"""One client through the IIZ process as the canton describes it, with a clock the test moves:
referral by the RAV, admission with the Sozialdienst as lead, invitation of the IV, intake steps,
segment, Mitwirkung, plan, Standortbestimmung after six months, a conference with action items, lead
hand-over by acceptance, closure, follow-up after six months – and the Pendenzen of every institution
on the way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.bootstrap import Container
from app.domain.dates import add_months
from app.services.context import LOCAL_TIME
from tests.api_helpers import Api, client_with
from tests.world import World


class Clock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC).replace(hour=9, minute=0)

    def now(self) -> datetime:
        return self.current

    @property
    def today(self) -> date:
        return self.current.astimezone(LOCAL_TIME).date()

    def advance(self, *, days: int = 0, months: int = 0) -> None:
        day = add_months(self.today, months) + timedelta(days=days)
        self.current = datetime.combine(day, self.current.timetz())


def _pendenzen(api: Api, user: str, scope: str = "mine") -> list[dict[str, Any]]:
    response = api.client.get(f"/api/v1/pendenzen?scope={scope}", headers=api.headers(user))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _of_case(items: list[dict[str, Any]], case_id: str) -> set[tuple[str, str, str]]:
    return {(p["kind"], p["involvement"], p["urgency"]) for p in items if p["case_id"] == case_id}


def _refused_naming(response: Any, status: int, rule: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["rule"] == rule
    assert f"Regel {rule}" in body["detail"]


def test_one_client_through_the_whole_iiz_process(container: Container, world: World) -> None:
    clock = Clock()
    with client_with(container, clock=clock) as client:
        api = Api(client, world)
        _walk(api, world, clock)


def _walk(api: Api, world: World, clock: Clock) -> None:
    iv = str(world.iv.id)
    case_id = _referred_and_admitted(api, world, clock)
    assert _of_case(_pendenzen(api, "sd"), case_id) == {("intake_segment", "fallfuehrend", "soon")}
    # The referring RAV takes part from the start and is told (its supervisor sees all its cases).
    assert _of_case(_pendenzen(api, "rav-lead"), case_id) == {("intake_segment", "zur_kenntnis", "soon")}

    # Invitation, not conscription: the IV is invited and takes part only once it accepts.
    invited = api.ok(case_id, "participants", {"institution_id": iv, "local_reference": "IV-1"})
    assert {p["institution_id"] for p in invited["fallfuehrung"]["participants"]} == {
        str(world.sozialdienst.id),
        str(world.rav.id),
    }
    assert ("invitation", "fallfuehrend", "due") in _of_case(_pendenzen(api, "iv-lead"), case_id)
    assert ("invitation", "zur_kenntnis", "due") in _of_case(_pendenzen(api, "sd"), case_id)
    api.accept_invitation(case_id, invited, iv, "iv-lead", local_reference="IV-320.1")
    api.assign(case_id, "iv-lead", "iv")
    assert not {k for k, *_ in _of_case(_pendenzen(api, "iv-lead"), case_id)} & {"invitation"}

    # Intake steps as records; activation needs the Kurzassessment and a segment.
    api.ok(case_id, "intake-steps", {"step": "need", "outcome": "in_need", "summary": "Budget geprüft"})
    api.ok(case_id, "intake-steps", {"step": "subsidiarity", "outcome": "no_prior_benefit"})
    _refused_naming(api.post(case_id, "activation", {}), 422, "dff.aktivierung.kurzassessment")
    body = api.ok(case_id, "intake-steps", {"step": "kurzassessment", "outcome": "completed"})
    assert body["fallfuehrung"]["activation_missing"] == ["segment"]
    api.ok(case_id, "segment", {"segment": "V", "reason": "Potenzial vorhanden"})
    assert api.ok(case_id, "activation", {})["fallfuehrung"]["phase"] == "active"

    # The six months hold: a 12-month interval is refused naming the rule.
    current = api.get_case(case_id)
    twelve = api.client.patch(
        f"/api/v1/cases/{case_id}",
        json={"reassessment_interval_months": 12},
        headers=api.headers("sd", current.headers["ETag"]),
    )
    _refused_naming(twelve, 422, "dff.neubeurteilung.6-monate")

    # Plan and Mitwirkung: the client agrees the goal.
    target = add_months(clock.today, 9).isoformat()
    body = api.ok(case_id, "plan/goals", {"title": "Stelle im ersten Arbeitsmarkt", "target_on": target})
    goal = body["integrationsplan"]["goals"][0]
    assert goal["agreed_with_client"] is False
    body = api.ok(
        case_id, "cooperation", {"form": "oral", "agreed_goal_ids": [goal["id"]], "strategy": "Arbeit zuerst"}
    )
    assert body["integrationsplan"]["goals"][0]["agreed_with_client"] is True
    assert body["integrationsplan"]["cooperations"][0]["form"] == "oral"
    api.ok(
        case_id,
        "plan/measures",
        {"title": "Abklärung berufliche Massnahme", "kind": "iv_vocational", "status": "planned"},
        user="iv",
    )

    # Six months later: the reassessment is overdue; a Standortbestimmung sets the next one.
    clock.advance(months=6, days=1)
    assert ("reassessment", "fallfuehrend", "overdue") in _of_case(_pendenzen(api, "sd"), case_id)
    assert ("reassessment", "zur_kenntnis", "overdue") in _of_case(_pendenzen(api, "iv"), case_id)
    body = api.ok(case_id, "reviews", {"held_on": clock.today.isoformat(), "summary": "Bewerbungen laufen"})
    assert body["fallfuehrung"]["next_review_on"] == add_months(clock.today, 6).isoformat()
    api.ok(case_id, "segment", {"segment": "V", "reason": "unverändert"})
    assert "reassessment" not in {k for k, *_ in _of_case(_pendenzen(api, "sd"), case_id)}

    # A conference is scheduled ahead, held, and its decisions become action items.
    planned_on = (clock.today + timedelta(days=7)).isoformat()
    body = api.ok(
        case_id,
        "conferences/scheduled",
        {"planned_on": planned_on, "invited_institution_ids": [iv], "client_attends": True},
    )
    conference = body["fallfuehrung"]["conferences"][0]
    assert conference["scheduled"] is True
    assert ("conference", "zur_kenntnis", "soon") in _of_case(_pendenzen(api, "iv"), case_id)
    early = api.post(case_id, f"conferences/{conference['id']}/minutes", {"decisions": "zu früh"})
    assert early.status_code == 422
    clock.advance(days=7)
    due = (clock.today + timedelta(days=14)).isoformat()
    body = api.ok(
        case_id,
        f"conferences/{conference['id']}/minutes",
        {
            "decisions": "IV klärt berufliche Massnahme ab",
            "client_attended": True,
            "action_items": [{"title": "Abklärung einleiten", "owner_institution_id": iv, "due_on": due}],
            "agreed_goal_ids": [goal["id"]],
        },
    )
    minutes = body["fallfuehrung"]["conferences"][0]
    assert minutes["scheduled"] is False and minutes["action_items"][0]["done_on"] is None
    assert ("action_item", "fallfuehrend", "soon") in _of_case(_pendenzen(api, "iv"), case_id)
    assert ("action_item", "zur_kenntnis", "soon") in _of_case(_pendenzen(api, "sd"), case_id)

    # Lead hand-over to the IV: refused without acceptance, the old lead stays until the IV accepts.
    current = api.get_case(case_id)
    direct = api.client.put(
        f"/api/v1/cases/{case_id}/lead",
        json={"institution_id": iv},
        headers=api.headers("sd", current.headers["ETag"]),
    )
    _refused_naming(direct, 409, "iiz.fallfuehrung.annahme")
    body = api.ok(
        case_id, "lead-handover", {"institution_id": iv, "note": "Berufliche Massnahme im Vordergrund"}
    )
    assert body["fallfuehrung"]["lead_institution_id"] == str(world.sozialdienst.id)
    assert ("invitation", "fallfuehrend", "due") in _of_case(_pendenzen(api, "iv"), case_id)
    handed = api.accept_invitation(case_id, body, iv, "iv", contact_person_id=str(world.users["iv"].id))
    assert handed["fallfuehrung"]["lead_institution_id"] == iv
    assert handed["fallfuehrung"]["contact_person"]["user_id"] == str(world.users["iv"].id)
    assert ("reassessment", "fallfuehrend", "soon") not in _of_case(_pendenzen(api, "sd"), case_id)

    item = handed["fallfuehrung"]["conferences"][0]["action_items"][0]
    api.ok(case_id, f"action-items/{item['id']}/done", {}, user="iv")
    assert "action_item" not in {k for k, *_ in _of_case(_pendenzen(api, "iv"), case_id)}

    # Closure by the new lead ends only its own measures; the follow-up waits six months.
    body = api.ok(case_id, "closure", {"reason": "erwerbsarbeit", "note": "Festanstellung"}, user="iv")
    assert body["fallfuehrung"]["phase"] == "closed"
    _refused_naming(
        api.post(case_id, "follow-up/result", {"result": "sustainable"}, user="iv"),
        409,
        "dff.nachbetreuung.6-monate",
    )
    clock.advance(months=6)
    assert ("follow_up", "fallfuehrend", "due") in _of_case(_pendenzen(api, "iv"), case_id)
    body = api.ok(
        case_id, "follow-up/result", {"result": "sustainable", "note": "Weiterhin angestellt"}, user="iv"
    )
    assert body["fallfuehrung"]["phase"] == "archived"
    assert _of_case(_pendenzen(api, "iv"), case_id) == set()


def _referral_pendenzen(api: Api, user: str, referral_id: str) -> set[tuple[str, str, str]]:
    return {
        (p["kind"], p["involvement"], p["urgency"])
        for p in _pendenzen(api, user)
        if p["item_id"] == referral_id and p["kind"] == "referral"
    }


def _referred_and_admitted(api: Api, world: World, clock: Clock) -> str:
    """The RAV refers the client; the region's Sozialdienst meets, admits and leads the case."""
    person = api.register_person("rav")
    referral = api.client.post(
        "/api/v1/referrals",
        json={
            "person_id": person["id"],
            "region_institution_id": str(world.sozialdienst.id),
            "reason": "Langzeitarbeitslos, gesundheitliche Einschränkungen",
            "tried": "Bewerbungscoaching",
            "urgency": "urgent",
        },
        headers=api.headers("rav"),
    ).json()
    assert _referral_pendenzen(api, "sd", referral["id"]) == {("referral", "fallfuehrend", "soon")}
    assert _referral_pendenzen(api, "rav", referral["id"]) == {("referral", "zur_kenntnis", "soon")}

    def referral_post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = api.client.post(
            f"/api/v1/referrals/{referral['id']}/{path}", json=body, headers=api.headers("sd")
        )
        assert response.status_code == 200, response.text
        return response.json()

    referral_post("meeting", {"meeting_on": clock.today.isoformat()})
    decided = referral_post(
        "decision",
        {
            "outcome": "admitted",
            "reason": "Mehrere Stellen nötig",
            "lead_institution_id": str(world.sozialdienst.id),
        },
    )
    assert decided["status"] == "admitted" and decided["case_id"]
    assert _referral_pendenzen(api, "sd", referral["id"]) == set()  # decided: nothing awaits
    return str(decided["case_id"])


def test_segment_s_refuses_labour_market_measures_naming_the_rule(api: Api) -> None:
    case = api.open_case("sd")
    api.ok(case["id"], "segment", {"segment": "S"})
    response = api.post(case["id"], "plan/measures", {"title": "AMM Bewerbungskurs", "kind": "labour_market"})
    _refused_naming(response, 422, "dff.segment-s.keine-amm")
    assert "Segment S" in response.json()["detail"]
    assert (
        api.post(
            case["id"], "plan/measures", {"title": "Tagesstruktur", "kind": "social_integration"}
        ).status_code
        == 201
    )


def test_an_invitation_is_declined_with_a_reason_and_only_the_invited_can_answer(api: Api) -> None:
    case = api.open_case("sd")
    invited = api.ok(
        case["id"], "participants", {"institution_id": str(api.world.rav.id), "local_reference": "R"}
    )
    invitation = invited["fallfuehrung"]["invitations"][0]
    url = f"invitations/{invitation['id']}"

    # Another institution (or a made-up invitation) learns nothing: the same 404 as a missing case.
    for user in ("iv", "olten"):
        assert api.post(case["id"], f"{url}/accept", {}, user).status_code == 404
    assert (
        api.post(case["id"], "invitations/00000000-0000-0000-0000-000000000000/accept", {}, "rav").status_code
        == 404
    )

    declined = api.post(
        case["id"], f"{url}/decline", {"reason": "Keine Zuständigkeit", "category": "arbeitsmarkt"}, "rav"
    )
    assert declined.status_code == 204
    after = api.get_case(case["id"]).json()["fallfuehrung"]
    assert after["invitations"][0]["status"] == "declined"
    assert [p["institution_id"] for p in after["participants"]] == [str(api.world.sozialdienst.id)]
    assert api.get_case(case["id"], "rav").status_code == 404  # declined: no part in the case
    assert api.post(case["id"], f"{url}/accept", {}, "rav").status_code == 404  # no longer open


def test_a_consent_about_to_expire_is_a_pendenz_of_who_recorded_it_and_known_to_the_flows(api: Api) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    soon = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    api.grant_consent(
        case["id"], [(api.world.sozialdienst.id, api.world.rav.id)], ["integrationsplan"], valid_until=soon
    )
    assert ("consent_expiry", "fallfuehrend", "soon") in _of_case(_pendenzen(api, "sd"), case["id"])
    assert ("consent_expiry", "zur_kenntnis", "soon") in _of_case(_pendenzen(api, "rav"), case["id"])


def test_a_lead_proposal_lapses_once_another_institution_took_the_lead(api: Api) -> None:
    """Proposed to the RAV and to the IV-Stelle, the lead goes to whoever accepts first; the other
    proposal was the former lead's and lapses, so it cannot take the lead from the new one."""
    world = api.world
    case = api.open_case("sd")
    case_id = case["id"]
    api.add_participant(case_id, world.rav.id)
    api.add_participant(case_id, world.iv.id)
    for to in (world.rav.id, world.iv.id):
        body = api.ok(case_id, "lead-handover", {"institution_id": str(to), "note": "Übergabe"})
    handed = api.accept_invitation(case_id, body, world.rav.id, "rav-lead")
    assert handed["fallfuehrung"]["lead_institution_id"] == str(world.rav.id)
    invitations = handed["fallfuehrung"]["invitations"]
    lapsed = next(i for i in invitations if i["institution_id"] == str(world.iv.id) and i["kind"] == "lead")
    assert lapsed["status"] == "withdrawn"
    late = api.post(case_id, f"invitations/{lapsed['id']}/accept", {}, "iv-lead")
    assert late.status_code == 422, late.text  # a participant hears why: the invitation is no longer open
    assert late.json()["errors"][0]["pointer"] == "#/invitation_id"
    assert api.get_case(case_id, "rav").json()["fallfuehrung"]["lead_institution_id"] == str(world.rav.id)
    assert ("invitation", "fallfuehrend", "due") not in _of_case(_pendenzen(api, "iv"), case_id)
