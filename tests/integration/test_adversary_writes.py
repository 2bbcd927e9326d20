"""The adversary suite: a participating institution (the RAV, caseworker and supervisor) tries every
write operation of the API on a case led by the Sozialdienst, with the sample body of the route
table; afterwards it still reads nothing of the Sozialdienst's data beyond the shared core.

Every write route is taken from the app's route table, so a new one is tried automatically.
"""

from __future__ import annotations

import pytest

from tests.api_helpers import Api
from tests.integration.test_route_table import ROUTES, SAMPLES, _target, _url, run_prepare_steps

pytestmark = pytest.mark.integration

# Break-glass widens access by design: read-only, time-limited, flagged to the DPO (tested apart).
WRITES = [
    r
    for r in ROUTES
    if "{case_id}" in r[1]
    and r[0] in ("POST", "PUT", "PATCH", "DELETE")
    and not r[1].endswith("/break-glass")
]
SECRETS = ("Budget-Geheimnis", "Arztbericht-Geheimnis")  # the case's consent releases only potenzial


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_participant_cannot_widen_its_access_through_a_write(api: Api, method: str, path: str) -> None:
    target = _target(api)
    run_prepare_steps(api, target, method, path)
    api.ok(target.case_id, "journal", {"category": "sozialhilfe", "text": SECRETS[0]})
    api.ok(target.case_id, "journal", {"category": "gesundheit", "text": SECRETS[1]})
    for user in ("rav", "rav-lead"):
        version = api.get_case(target.case_id).json()["version"]
        institution = str(api.world.sozialdienst.id) if path.endswith("{institution_id}") else None
        response = api.client.request(
            method,
            _url(path, target, institution),
            headers=api.headers(user, f'"{version}"'),
            **SAMPLES[(method, path)](target),
        )
        assert response.status_code < 500, response.text
        assert not any(secret in response.text for secret in SECRETS), f"{user} {method} {path}"
        shown = api.get_case(target.case_id, user)
        assert not any(secret in shown.text for secret in SECRETS), f"{user} {method} {path}"
        categories = set(shown.json().get("categories", []))
        # a note or intake step the RAV itself writes in a category it chose is its own to read
        own_text = path.endswith(("/journal", "/intake-steps"))
        assert not categories & {"sozialhilfe", "gesundheit"} or own_text, f"{method} {path}"
