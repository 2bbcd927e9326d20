"""Reference directory: routing answers for participants only; everyone else sees a missing person."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine

from tests.api_helpers import Api
from tests.audit_log import last_audit_event


def _holders(api: Api, person_id: str, user: str) -> tuple[int, object]:
    response = api.client.get(f"/api/v1/persons/{person_id}/dossier-holders", headers=api.headers(user))
    return response.status_code, response.json()


def test_participant_learns_which_institutions_hold_a_dossier(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)

    status, body = _holders(api, case["person_id"], "rav")

    assert status == 200
    assert body == {
        "items": [
            {"institution_id": str(i.id), "kind": i.kind.value, "code": i.code, "name": i.name, "lead": lead}
            for i, lead in ((api.world.sozialdienst, True), (api.world.rav, False))
        ]
    }
    event = last_audit_event(engine)
    assert (event.outcome, event.categories, str(event.person_id)) == (
        "allowed",
        ["fallfuehrung"],
        case["person_id"],
    )


def test_non_participant_gets_the_same_answer_as_for_an_unknown_person(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")

    asked_by_outsider = _holders(api, case["person_id"], "iv")
    unknown = _holders(api, str(uuid.uuid4()), "iv")

    assert asked_by_outsider[0] == unknown[0] == 404
    assert {k: v for k, v in asked_by_outsider[1].items() if k != "instance"} == {  # type: ignore[union-attr]
        k: v
        for k, v in unknown[1].items()
        if k != "instance"  # type: ignore[union-attr]
    }
    assert last_audit_event(engine).outcome == "denied"
