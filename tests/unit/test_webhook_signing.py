"""Webhook signatures: a receiver accepts exactly the signed body within the replay window."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.adapters.events.signing import DEFAULT_TOLERANCE_SECONDS, sign, verify

SECRET = "geheim-0123456789"
NOW = 1_790_000_000


@given(st.binary(max_size=200), st.integers(-DEFAULT_TOLERANCE_SECONDS, DEFAULT_TOLERANCE_SECONDS))
def test_signed_body_within_the_window_is_accepted(body: bytes, skew: int) -> None:
    timestamp = NOW + skew
    assert verify(SECRET, str(timestamp), body, sign(SECRET, timestamp, body), now=NOW)


@given(st.binary(max_size=200), st.binary(min_size=1, max_size=5))
def test_changed_body_is_refused(body: bytes, extra: bytes) -> None:
    assert not verify(SECRET, str(NOW), body + extra, sign(SECRET, NOW, body), now=NOW)


def test_replay_after_the_window_is_refused() -> None:
    old = NOW - DEFAULT_TOLERANCE_SECONDS - 1
    assert not verify(SECRET, str(old), b"{}", sign(SECRET, old, b"{}"), now=NOW)


def test_other_secret_or_malformed_timestamp_is_refused() -> None:
    assert not verify("anderes", str(NOW), b"{}", sign(SECRET, NOW, b"{}"), now=NOW)
    assert not verify(SECRET, "-5", b"{}", sign(SECRET, NOW, b"{}"), now=NOW)
