"""One log line per failure, without values; a missing dev keyring is not silently replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from app.adapters.crypto.factory import build_key_provider
from app.adapters.crypto.providers import KeyProviderError
from app.adapters.failures import failure_summary, is_database_unavailable
from app.settings import Settings


def _raised(error: Exception) -> Exception:
    try:
        raise error
    except Exception as caught:
        return caught


def test_a_database_message_loses_its_values_and_its_newlines() -> None:
    orig = Exception('duplicate key value violates "uq_persons" (ahvn13)=(756.1234.5678.97)\nDETAIL: Keller')
    error = _raised(IntegrityError("INSERT INTO persons …", {"name": "Keller"}, orig))

    summary = failure_summary(error)

    assert summary.startswith("IntegrityError: duplicate key value violates")
    assert "756" not in summary and "Keller" not in summary and "\n" not in summary
    assert "tests/unit/test_failure_summary.py:" in summary


def test_connection_and_timeout_errors_mean_unavailable_others_do_not() -> None:
    refused = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert is_database_unavailable(refused)
    assert not is_database_unavailable(ValueError("x"))


def test_a_missing_dev_keyring_is_refused_when_the_database_holds_keys(tmp_path: Path) -> None:
    settings = Settings(environment="dev", keyring_path=tmp_path / "keyring.json")

    with pytest.raises(KeyProviderError, match="fehlt"):
        build_key_provider(settings, keys_expected=lambda: True)

    assert not (tmp_path / "keyring.json").exists()
    build_key_provider(settings, keys_expected=lambda: False)  # a first run creates it
    assert (tmp_path / "keyring.json").exists()
