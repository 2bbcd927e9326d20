"""Recovery figures on the soak's database: how long a backup, its verification and a restore onto
an empty place until the service is ready take (the recovery-time side); the recovery point is the
backup interval plus the time a backup takes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx

from bench.evidence.harness import cockpit, environment, next_port, serve

PASSPHRASE = "Aare-Weissenstein-2026"


def run(workdir: Path, home: Path) -> dict[str, object]:
    env = environment(home, f"sqlite:///{home / 'cockpit.db'}", COCKPIT_BACKUP_PASSPHRASE=PASSPHRASE)
    backups = workdir / "backups"
    began = time.monotonic()
    cockpit(env, "backup", "create", "--target", str(backups))
    created = time.monotonic() - began
    folder = next(backups.iterdir())
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    began = time.monotonic()
    cockpit(env, "backup", "verify", str(folder))
    verified = time.monotonic() - began
    public_key = workdir / "cockpit.pem"
    public_key.write_text(cockpit(env, "audit", "public-key"))
    # Restore onto a new, empty place (another machine after losing the first).
    fresh = workdir / "restored"
    fresh.mkdir()
    target = environment(fresh, f"sqlite:///{fresh / 'cockpit.db'}", COCKPIT_BACKUP_PASSPHRASE=PASSPHRASE)
    began = time.monotonic()
    cockpit(target, "backup", "restore", str(folder), "--public-key", str(public_key))
    cockpit(target, "db", "upgrade")
    port = next_port()
    server = serve(target, port, fresh / "serve.log")
    try:
        ready = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code
        restored = time.monotonic() - began
        listed = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-sd"}, timeout=30
        ).status_code
    finally:
        server.stop()
    shutil.rmtree(backups, ignore_errors=True)
    result = {
        "backup_size_mb": round(size_mb, 1),
        "backup_create_s": round(created, 2),
        "backup_verify_s": round(verified, 2),
        "restore_until_ready_s": round(restored, 2),
        "ready_after_restore": ready,
        "case_list_after_restore": listed,
    }
    result["ok"] = ready == 200 and listed == 200
    return result
