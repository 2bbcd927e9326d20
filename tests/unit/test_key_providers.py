"""The local keyring: mode 0600 when created, refused when others can read it, required in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.adapters.crypto.factory import build_key_provider
from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.providers import KeyProviderError
from app.settings import Environment, Settings


def _settings(**values: object) -> Settings:
    # model_construct: the production check of authentication is not what is tested here
    return Settings.model_construct(**{**Settings().model_dump(), **values})


def test_first_dev_run_creates_the_keyring_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keyring.json"
    provider = build_key_provider(_settings(environment=Environment.DEV, keyring_path=path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = build_key_provider(_settings(environment=Environment.DEV, keyring_path=path))
    assert again.current_kek_id() == provider.current_kek_id()
    wrapped = provider.wrap(provider.current_kek_id(), b"s" * 32, b"ctx")
    assert again.unwrap(again.current_kek_id(), wrapped, b"ctx") == b"s" * 32


def test_a_keyring_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    LocalKeyring.open(path, create=True)
    path.chmod(0o644)
    with pytest.raises(KeyProviderError, match="600"):
        LocalKeyring.open(path, create=False)


def test_production_refuses_to_start_without_a_configured_keyring(tmp_path: Path) -> None:
    with pytest.raises(KeyProviderError, match="COCKPIT_KEYRING_PATH"):
        build_key_provider(_settings(environment=Environment.PRODUCTION, keyring_path=None))
    with pytest.raises(KeyProviderError, match="fehlt"):
        build_key_provider(_settings(environment=Environment.PRODUCTION, keyring_path=tmp_path / "none.json"))
    assert not (tmp_path / "none.json").exists()


def test_a_kek_added_by_another_process_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    server = LocalKeyring.open(path, create=True)
    operator = LocalKeyring.open(path, create=False)
    new_kek = operator.create_kek()
    wrapped = operator.wrap(new_kek, b"s" * 32, b"ctx")
    assert server.unwrap(new_kek, wrapped, b"ctx") == b"s" * 32
    assert server.current_kek_id() == new_kek
