"""RFC 6238 codes, their one-time use, and the login throttle."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain import totp
from app.domain.identity import Throttle, ThrottleRule

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_rfc6238_sha1_vectors_in_six_digits() -> None:
    # RFC 6238 appendix B (8 digits) shortened to the last six
    for unix_time, expected in [(59, "94287082"), (1111111109, "07081804"), (2000000000, "69279037")]:
        assert totp.code_at(RFC_SECRET, unix_time // 30) == expected[-6:]


def test_code_is_accepted_once_and_with_one_step_of_drift() -> None:
    secret = totp.new_secret()
    step = totp.time_step(T0)
    code = totp.code_at(secret, step)
    assert totp.matching_step(secret, code, T0, last_used_step=None) == step
    assert totp.matching_step(secret, code, T0, last_used_step=step) is None  # replay
    assert totp.matching_step(secret, code, T0 + timedelta(seconds=30), last_used_step=None) == step
    assert totp.matching_step(secret, code, T0 + timedelta(seconds=90), last_used_step=None) is None
    assert totp.matching_step(secret, "12345", T0, last_used_step=None) is None
    assert totp.matching_step(secret, "abcdef", T0, last_used_step=None) is None


def test_provisioning_uri_names_the_account() -> None:
    uri = totp.provisioning_uri("ABC", "demo-sd")
    assert uri.startswith("otpauth://totp/Cockpit%20IIZ%3Ademo-sd?secret=ABC")


WINDOW = timedelta(minutes=15)
DELAYED = ThrottleRule(5, WINDOW, timedelta(seconds=30), timedelta(minutes=15))
HARD = ThrottleRule(5, WINDOW, timedelta(seconds=30), WINDOW, hard=True)


@given(st.lists(st.integers(min_value=0, max_value=1200), min_size=1, max_size=60))
def test_a_delayed_key_waits_from_the_limit_on_never_longer_than_the_longest_delay(gaps: list[int]) -> None:
    throttle, now = Throttle("k"), T0
    for gap in gaps:
        now += timedelta(seconds=gap)
        if throttle.is_locked(now):
            assert throttle.locked_until is not None and throttle.locked_until - now <= DELAYED.max_delay
            continue  # a waiting key is refused before any password is checked
        before = throttle.decayed(now, WINDOW).failures
        throttle = throttle.after_failure(now, DELAYED)
        assert throttle.failures == before + 1
        assert throttle.is_locked(now) == (throttle.failures >= DELAYED.free_failures)
    assert not throttle.is_locked(now + DELAYED.max_delay + timedelta(seconds=1))
    assert not throttle.cleared().is_locked(now)


@given(st.lists(st.integers(min_value=0, max_value=1200), min_size=1, max_size=80))
def test_a_hard_key_counts_no_more_failures_per_window_than_its_limit(gaps: list[int]) -> None:
    """The second factor: however the attempts are spread, no window holds more than the limit."""
    throttle, now, failures_at = Throttle("k"), T0, []
    for gap in gaps:
        now += timedelta(seconds=gap)
        if throttle.is_locked(now):
            continue
        throttle = throttle.after_failure(now, HARD)
        failures_at.append(now)
    for start in failures_at:
        in_window = [t for t in failures_at if start <= t < start + WINDOW]
        assert len(in_window) <= 2 * HARD.free_failures  # a window's end and the next one's start
    windows: dict[datetime, int] = {}
    throttle, now = Throttle("k"), T0
    for gap in gaps:
        now += timedelta(seconds=gap)
        if throttle.is_locked(now):
            continue
        throttle = throttle.after_failure(now, HARD)
        assert throttle.window_started_at is not None
        windows[throttle.window_started_at] = windows.get(throttle.window_started_at, 0) + 1
    assert all(count <= HARD.free_failures for count in windows.values())


def test_counts_decay_once_the_window_has_passed() -> None:
    throttle = Throttle("k")
    for _ in range(4):
        throttle = throttle.after_failure(T0, DELAYED)
    assert throttle.decayed(T0 + WINDOW - timedelta(seconds=1), WINDOW).failures == 4
    assert throttle.decayed(T0 + WINDOW, WINDOW).failures == 0


def test_a_success_at_a_shared_address_eases_but_does_not_wipe_its_count() -> None:
    throttle = Throttle("address")
    for _ in range(10):
        throttle = throttle.after_failure(T0, ThrottleRule(20, WINDOW, timedelta(seconds=30), WINDOW))
    assert throttle.eased().failures == 5
