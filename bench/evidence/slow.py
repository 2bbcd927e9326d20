"""Case reads with and without 16 slow uploads in progress (1 KB every 0.25 s): p50 and p99."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx

from bench.evidence.harness import cockpit, environment, next_port, percentile, serve

SLOW_UPLOADS = 16
READS = 300


def run(workdir: Path) -> dict[str, object]:
    home = workdir / "slow"
    home.mkdir(parents=True)
    env = environment(home, f"sqlite:///{home / 'cockpit.db'}", COCKPIT_UPLOADS_PER_CLIENT="32")
    cockpit(env, "db", "upgrade")
    cockpit(env, "demo", "seed")
    port = next_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, home / "serve.log")
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            headers = {"X-Cockpit-Dev-User": "demo-sd"}
            case_id = client.get("/api/v1/cases", headers=headers).json()["items"][0]["id"]
            quiet = _reads(client, case_id, headers)
            stop = threading.Event()
            uploads = [
                threading.Thread(target=_slow_upload, args=(port, case_id, stop)) for _ in range(SLOW_UPLOADS)
            ]
            for upload in uploads:
                upload.start()
            time.sleep(1.0)  # all of them are sending
            loaded = _reads(client, case_id, headers)
            stop.set()
            for upload in uploads:
                upload.join()
    finally:
        server.stop()
    errors = sum(1 for status, _ in loaded if status != 200) + sum(1 for status, _ in quiet if status != 200)
    quiet_ms = [s * 1000 for _, s in quiet]
    loaded_ms = [s * 1000 for _, s in loaded]
    result = {
        "reads_each": READS,
        "slow_uploads": SLOW_UPLOADS,
        "unloaded_p50_ms": round(percentile(quiet_ms, 0.5), 1),
        "unloaded_p99_ms": round(percentile(quiet_ms, 0.99), 1),
        "loaded_p50_ms": round(percentile(loaded_ms, 0.5), 1),
        "loaded_p99_ms": round(percentile(loaded_ms, 0.99), 1),
        "errors": errors,
    }
    result["p99_ratio"] = round(result["loaded_p99_ms"] / max(result["unloaded_p99_ms"], 0.001), 2)  # type: ignore[operator]
    result["ok"] = errors == 0 and result["p99_ratio"] <= 2.0  # type: ignore[operator]
    return result


def _reads(client: httpx.Client, case_id: str, headers: dict[str, str]) -> list[tuple[int, float]]:
    measured = []
    for _ in range(READS):
        began = time.perf_counter()
        status = client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code
        measured.append((status, time.perf_counter() - began))
    return measured


def _slow_upload(port: int, case_id: str, stop: threading.Event) -> None:
    connection = socket.create_connection(("127.0.0.1", port))
    try:
        connection.sendall(
            (
                f"POST /api/v1/cases/{case_id}/documents?category=sozialhilfe&filename=b.pdf HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nX-Cockpit-Dev-User: demo-sd\r\nContent-Type: application/octet-stream\r\n"
                "Content-Length: 5000000\r\n\r\n%PDF-1.7\n"
            ).encode()
        )
        while not stop.is_set():
            connection.sendall(b"x" * 1024)
            stop.wait(0.25)
    except OSError:
        pass
    finally:
        connection.close()
