"""The home of a served Cockpit: where its SQLite database, keyring, keys and receipts live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def home_env(home: Path) -> dict[str, str]:
    """The environment of a server whose database, keys and receipts live in `home`."""
    return {
        **os.environ,
        "COCKPIT_DATABASE_URL": f"sqlite:///{home / 'cockpit.db'}",
        "COCKPIT_KEYRING_PATH": str(home / "keyring.json"),
        "COCKPIT_AUDIT_SIGNING_KEY_FILE": str(home / "audit-signing-key.pem"),
        "COCKPIT_AUTH_SIGNING_KEY_DIR": str(home / "signing-keys"),
        "COCKPIT_RECEIPT_DIR": str(home / "receipts"),
    }


def run_cockpit(env: dict[str, str], *command: str) -> None:
    cockpit = str(Path(sys.executable).with_name("cockpit"))
    done = subprocess.run([cockpit, *command], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
