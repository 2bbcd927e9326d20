"""RFC 6238 codes, their one-time use, and the login throttle."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain import totp
from app.domain.identity import Throttle

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


@given(st.lists(st.integers(min_value=0, max_value=3600), min_size=1, max_size=40), st.integers(1, 10))
def test_throttle_locks_exactly_at_the_limit_and_never_for_longer_than_the_lockout(
    gaps: list[int], limit: int
) -> None:
    lockout = timedelta(minutes=15)
    throttle, now, counted = Throttle("k"), T0, 0
    for gap in gaps:
        now += timedelta(seconds=gap)
        if throttle.is_locked(now):
            assert throttle.locked_until is not None and throttle.locked_until - now <= lockout
            continue  # a locked key is refused before any password is checked
        throttle = throttle.after_failure(now, limit, lockout)
        counted += 1
        assert throttle.is_locked(now) == (counted % limit == 0)
    assert not throttle.is_locked(now + lockout + timedelta(seconds=1))
    assert not throttle.cleared().is_locked(now)
