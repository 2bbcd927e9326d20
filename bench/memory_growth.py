"""Where the service's memory goes under the soak's request mix: leak or warm-up?

In one process (the app with its sequencer thread, requests through the ASGI test client, SQLite),
the soak's mix (20 % new person + case, 15 % case list, 65 % case read) runs in equal rounds. After
each round: RSS, the Python heap traced by tracemalloc, the sizes of the caches that fill with use
(the vault's unwrapped keys, SQLAlchemy's compiled statements), and the tracemalloc diff against
the previous round by source line. A leak grows by the same amount every round; warm-up grows
first and then levels off at the caches' bounds.

    .venv/bin/python -m bench.memory_growth [--rounds 4] [--requests 600]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

FRAMES = 12


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _prepare(home: Path) -> None:
    os.environ.update(
        COCKPIT_ENVIRONMENT="dev",
        COCKPIT_DATABASE_URL=f"sqlite:///{home / 'cockpit.db'}",
        COCKPIT_KEYRING_PATH=str(home / "keyring.json"),
        COCKPIT_AUDIT_SIGNING_KEY_FILE=str(home / "audit-signing-key.pem"),
        COCKPIT_AUTH_SIGNING_KEY_DIR=str(home / "signing-keys"),
        COCKPIT_RECEIPT_DIR=str(home / "receipts"),
    )
    cockpit = str(Path(sys.executable).with_name("cockpit"))
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([cockpit, *args], check=True, capture_output=True)


def _round(client: Any, cases: list[str], requests: int) -> int:
    from bench.evidence.harness import open_new_case

    headers = {"X-Cockpit-Dev-User": "demo-sd"}
    errors = 0
    for _ in range(requests):
        roll = random.random()
        if roll < 0.2:
            status, _ = open_new_case(client)
            errors += status != 201
        elif roll < 0.35:
            errors += client.get("/api/v1/cases", headers=headers).status_code != 200
        else:
            errors += client.get(f"/api/v1/cases/{random.choice(cases)}", headers=headers).status_code != 200
    return errors


def _caches(app: Any) -> dict[str, int]:
    container = app.state.container
    compiled = container.engine._compiled_cache  # SQLAlchemy's LRU of compiled statements
    return {
        "vault_keys": len(container.vault._cache),
        "compiled_statements": len(compiled) if compiled is not None else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    random.seed(7)
    with tempfile.TemporaryDirectory(prefix="cockpit-memory-") as scratch:
        _prepare(Path(scratch))
        from fastapi.testclient import TestClient

        from app.entrypoints.api.app import create_app

        app = create_app()
        with TestClient(app) as client:
            headers = {"X-Cockpit-Dev-User": "demo-sd"}
            cases = [c["id"] for c in client.get("/api/v1/cases", headers=headers).json()["items"]]
            tracemalloc.start(FRAMES)
            gc.collect()
            previous = tracemalloc.take_snapshot()
            print(f"start: rss {_rss_mb():.1f} MB, {_caches(app)}", flush=True)
            for number in range(1, args.rounds + 1):
                began = time.monotonic()
                errors = _round(client, cases, args.requests)
                gc.collect()
                snapshot = tracemalloc.take_snapshot()
                traced, _peak = tracemalloc.get_traced_memory()
                grown = snapshot.compare_to(previous, "lineno")
                growth = sum(stat.size_diff for stat in grown) / 1024 / 1024
                print(
                    f"round {number}: {args.requests} requests in {time.monotonic() - began:.0f} s, "
                    f"errors {errors}, rss {_rss_mb():.1f} MB, traced {traced / 1024 / 1024:.1f} MB "
                    f"(+{growth:.2f} MB), {_caches(app)}",
                    flush=True,
                )
                for stat in grown[: args.top]:
                    frame = stat.traceback[0]
                    print(
                        f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  "
                        f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}"
                    )
                previous = snapshot
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
