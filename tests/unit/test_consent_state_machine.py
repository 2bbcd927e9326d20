"""The consent state machine (tests/consent_machine.py) on the in-memory fakes: thousands of steps
in seconds. `make unit` runs at least 2,000 steps; COCKPIT_LONG_STATEFUL=1 runs ten times as many."""

from __future__ import annotations

from tests.consent_machine import LONG, ConsentMachine, run_machine
from tests.unit.fakes import fake_uow_factory
from tests.world import build_world

EXAMPLES, STEPS = (750, 50) if LONG else (75, 50)
MINIMUM_STEPS = 2_000


def _machine() -> ConsentMachine:
    factory = fake_uow_factory()  # a database of its own per example
    return ConsentMachine(factory, build_world(factory))


def test_consent_state_machine_against_the_model_on_fakes() -> None:
    run_machine(_machine, EXAMPLES, STEPS, minimum_steps=10 * MINIMUM_STEPS if LONG else MINIMUM_STEPS)
