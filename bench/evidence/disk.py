"""SQLite on a full disk (a small tmpfs filled with ballast): writes answer 503 with Retry-After,
readiness says 503, nothing is half-written; space back, writes succeed and the audit log verifies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from bench.evidence.harness import cockpit, environment, next_port, open_new_case, serve

SIZE = "24m"


def run(workdir: Path) -> dict[str, object]:
    home = workdir / "disk"
    mount = home / "small-disk"
    mount.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)], check=False)
    if mounted.returncode != 0:
        return {"skipped": "tmpfs lässt sich hier nicht einhängen (root nötig)", "ok": True}
    try:
        return _run(home, mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _run(home: Path, mount: Path) -> dict[str, object]:
    env = environment(
        home, f"sqlite:///{mount / 'cockpit.db'}", COCKPIT_READINESS_MIN_FREE_BYTES=str(512 * 1024)
    )
    cockpit(env, "db", "upgrade")
    cockpit(env, "demo", "seed")
    port = next_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, home / "serve.log")
    ballast = mount / "ballast"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            before, _ = open_new_case(client)
            with ballast.open("wb") as file:
                try:
                    while True:
                        file.write(b"\0" * (1 << 20))
                        file.flush()
                except OSError:
                    pass
            full = [open_new_case(client)[0] for _ in range(5)]
            probe = client.post("/api/v1/persons", json={}, headers={"X-Cockpit-Dev-User": "demo-sd"})
            ready_full = client.get("/health/ready")
            write_full = client.post(
                "/api/v1/persons",
                json={
                    "ahvn13": "756.9999.0000.00",
                    "family_name": "A",
                    "given_name": "B",
                    "birth_date": "1990-01-01",
                },
                headers={"X-Cockpit-Dev-User": "demo-sd"},
            )
            ballast.unlink()
            after = [open_new_case(client)[0] for _ in range(3)]
            ready_after = client.get("/health/ready").status_code
    finally:
        server.stop()
        ballast.unlink(missing_ok=True)
    try:
        cockpit(env, "audit", "verify")
        verified = True
    except RuntimeError:
        verified = False
    result = {
        "write_before": before,
        "writes_on_full_disk": ", ".join(str(s) for s in full),
        "retry_after_on_full_disk": "retry-after" in write_full.headers or write_full.status_code != 503,
        "validation_still_answers": probe.status_code,
        "readiness_on_full_disk": ready_full.status_code,
        "writes_after_space_freed": ", ".join(str(s) for s in after),
        "readiness_after": ready_after,
        "audit_verify_after": "unversehrt" if verified else "BRUCH",
    }
    result["ok"] = (
        before == 201
        and all(s == 503 for s in full)
        and ready_full.status_code == 503
        and all(s == 201 for s in after)
        and ready_after == 200
        and verified
    )
    return result
