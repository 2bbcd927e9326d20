"""The PKCS#11 key provider against SoftHSM2 (installed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.adapters.crypto.providers import KeyProviderError
from app.adapters.crypto.vault import Vault
from app.adapters.db.engine import make_session_factory
from app.adapters.key_rotation import rewrap_all
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.ahvn13 import Ahvn13
from app.domain.persons import Person
from tests.api_helpers import new_ahvn13
from tests.world import build_world

SOFTHSM_LIBRARIES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
]
LIBRARY = next((path for path in SOFTHSM_LIBRARIES if Path(path).exists()), None)
PIN = "4711"

pytestmark = pytest.mark.skipif(
    LIBRARY is None or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 fehlt (apt-get install softhsm2; .ci/run installiert es)",
)


@pytest.fixture(scope="session")
def softhsm_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One token directory per run: the PKCS#11 library reads its configuration once per process."""
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    yield config
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def token(softhsm_config: Path) -> Iterator[str]:
    """One token for the run: SoftHSM2 lists the tokens it found when the library was loaded."""
    config = softhsm_config
    label = f"cockpit-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "1234", "--pin", PIN],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(config)},
    )
    yield label


@pytest.fixture
def opened() -> Iterator[list[Any]]:
    """Providers a test opened; closed afterwards, which logs the process out of the token."""
    providers: list[Any] = []
    yield providers
    for provider in providers:
        provider.close()


@pytest.fixture
def provider_for(opened: list[Any]) -> Callable[..., Any]:
    from app.adapters.crypto.pkcs11_provider import Pkcs11Provider

    def open_provider(label: str, pin: str = PIN) -> Any:
        assert LIBRARY is not None
        provider = Pkcs11Provider(LIBRARY, label, pin)
        opened.append(provider)
        return provider

    return open_provider


def test_wraps_and_unwraps_inside_the_token_bound_to_its_context(
    token: str, provider_for: Callable[..., Any]
) -> None:
    provider = provider_for(token)
    kek = provider.current_kek_id()
    wrapped = provider.wrap(kek, b"k" * 32, b"person-1")
    assert b"k" * 32 not in wrapped
    assert provider.unwrap(kek, wrapped, b"person-1") == b"k" * 32
    with pytest.raises(KeyProviderError):
        provider.unwrap(kek, wrapped, b"person-2")
    flipped = bytearray(wrapped)
    flipped[-1] ^= 1
    with pytest.raises(KeyProviderError):
        provider.unwrap(kek, bytes(flipped), b"person-1")


def test_a_new_kek_becomes_current_and_the_old_one_still_unwraps(
    token: str, provider_for: Callable[..., Any]
) -> None:
    provider = provider_for(token)
    old = provider.current_kek_id()
    wrapped = provider.wrap(old, b"s" * 32, b"ctx")
    new = provider.create_kek()
    assert provider.current_kek_id() == new != old
    assert provider_for(token).unwrap(old, wrapped, b"ctx") == b"s" * 32  # another session sees both


def test_a_wrong_pin_is_refused(token: str, provider_for: Callable[..., Any]) -> None:
    with pytest.raises(KeyProviderError):
        provider_for(token, pin="0000")


def test_field_encryption_and_rotation_run_on_the_hsm(
    token: str, engine: Engine, provider_for: Callable[..., Any]
) -> None:
    vault = Vault(provider_for(token))
    session_factory = make_session_factory(engine)

    def hsm_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, vault=vault)

    world = build_world(hsm_uow)
    person = Person(Ahvn13.parse(new_ahvn13()), "Gashi", "Arben", date(1971, 6, 23), world.sozialdienst.id)
    with hsm_uow() as uow:
        uow.persons.add(person)
    vault.provider.create_kek()
    assert rewrap_all(session_factory, Vault(vault.provider)).done >= 1
    with SqlUnitOfWork(session_factory, vault=Vault(vault.provider)) as uow:
        stored = uow.persons.get(person.id)
    assert stored is not None and stored.family_name == "Gashi"
