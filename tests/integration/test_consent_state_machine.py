"""The consent state machine (tests/consent_machine.py) through the services and the database.

The many examples run on the in-memory fakes (tests/unit/test_consent_state_machine.py); here a
few check that the database gives the same answers. COCKPIT_LONG_STATEFUL=1 runs ten times as many.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.services.ports import UnitOfWork
from tests.consent_machine import LONG, ConsentMachine, run_machine
from tests.world import World

pytestmark = pytest.mark.integration

EXAMPLES, STEPS = (100, 50) if LONG else (10, 30)


def test_consent_state_machine_against_the_model(uow_factory: Callable[[], UnitOfWork], world: World) -> None:
    run_machine(lambda: ConsentMachine(uow_factory, world), EXAMPLES, STEPS, minimum_steps=EXAMPLES * 5)
