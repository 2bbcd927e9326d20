"""The deployment files, checked without a container engine (none runs on the build machines):
compose.yaml parses and runs every process from the one image, read-only and non-root; every
setting it names exists; every command it runs exists in the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from app.entrypoints.cli.main import app as cli
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Settings other branches add (trusted proxies: the proxy-header work).
ELSEWHERE = {"COCKPIT_TRUSTED_PROXIES"}


def _compose() -> dict[str, object]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_database_service_worker_and_sequencer_from_one_read_only_image() -> None:
    services = _compose()["services"]
    assert {"postgres", "migrate", "app", "worker", "sequencer"} <= set(services)  # type: ignore[arg-type]
    for name in ("migrate", "app", "worker", "sequencer"):
        service = services[name]  # type: ignore[index]
        assert service["image"] == "cockpit:latest"
        assert service["read_only"] is True
        assert "ALL" in service["cap_drop"]
        assert service["environment"]["COCKPIT_ENVIRONMENT"] == "production"
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "cockpit", "worker", "--check"]  # type: ignore[index]
    assert services["app"]["environment"]["COCKPIT_AUDIT_BACKGROUND_SEALING"] == "false"  # type: ignore[index]


def test_every_command_compose_runs_exists() -> None:
    services = _compose()["services"]
    for name in ("migrate", "app", "worker", "sequencer"):
        command = services[name]["command"]  # type: ignore[index]
        assert command[0] == "cockpit"
        words = [w for w in command[1:] if not w.startswith("-")][:2]
        words = [w for w in words if re.fullmatch(r"[a-z-]+", w)]
        result = CliRunner().invoke(cli, [*words, "--help"])
        assert result.exit_code == 0, (name, result.output)


def test_every_setting_named_in_compose_and_dockerfile_exists() -> None:
    known = {f"COCKPIT_{name.upper()}" for name in Settings.model_fields}
    named = set(re.findall(r"\bCOCKPIT_[A-Z_]+\b", (ROOT / "compose.yaml").read_text()))
    named |= set(re.findall(r"\bCOCKPIT_[A-Z_]+\b", (ROOT / "Dockerfile").read_text()))
    assert named - known - ELSEWHERE == set()


def test_the_image_runs_as_a_non_root_user_with_its_writable_places_as_volumes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/srv/cockpit/var", "/srv/cockpit/keys"]' in dockerfile
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile
    assert "HEALTHCHECK" in dockerfile
