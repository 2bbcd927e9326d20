"""The database goes away behind a TCP proxy and comes back: requests answer 503 with Retry-After
(never 500, never hanging), readiness answers within a second, the service recovers by itself."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench.evidence.harness import CuttableProxy, cockpit, environment, next_port, serve
from tests.databases import DatabaseFactory

NORMAL, OUTAGE, AFTER = 5.0, 10.0, 10.0


def run(pg_url: str, workdir: Path) -> dict[str, object]:
    home = workdir / "outage"
    home.mkdir(parents=True)
    factory = DatabaseFactory(workdir / "outage-db", backend_url=pg_url)
    try:
        direct = make_url(factory.migrated())
        proxy = CuttableProxy(next_port(), (direct.host or "127.0.0.1", direct.port or 5432))
        try:
            via_proxy = direct.set(host="127.0.0.1", port=proxy.listen_port).render_as_string(
                hide_password=False
            )
            env = environment(
                home,
                via_proxy,
                COCKPIT_DB_CONNECT_TIMEOUT_SECONDS="2",
                COCKPIT_DB_POOL_TIMEOUT_SECONDS="2",
                COCKPIT_DB_STATEMENT_TIMEOUT_SECONDS="5",
            )
            cockpit(env, "demo", "seed")
            return _run(env, proxy, home)
        finally:
            proxy.close()
    finally:
        factory.drop_all()


def _run(env: dict[str, str], proxy: CuttableProxy, home: Path) -> dict[str, object]:
    port = next_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, home / "serve.log")
    answers: list[tuple[float, int, bool, float]] = []  # (time, status, Retry-After, seconds)
    readiness: list[tuple[float, int, float]] = []
    stop = threading.Event()
    started = time.monotonic()

    def load() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    response = client.get("/api/v1/cases", headers={"X-Cockpit-Dev-User": "demo-sd"})
                    status, retry = response.status_code, "retry-after" in response.headers
                except httpx.HTTPError:
                    status, retry = 0, False
                answers.append((began - started, status, retry, time.monotonic() - began))
                time.sleep(0.05)

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    status = client.get("/health/ready").status_code
                except httpx.HTTPError:
                    status = 0
                readiness.append((began - started, status, time.monotonic() - began))
                time.sleep(0.2)

    threads = [threading.Thread(target=load), threading.Thread(target=load), threading.Thread(target=probe)]
    for thread in threads:
        thread.start()
    time.sleep(NORMAL)
    proxy.cut()
    cut_at = time.monotonic() - started
    time.sleep(OUTAGE)
    proxy.restore()
    restored_at = time.monotonic() - started
    time.sleep(AFTER)
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    during = [a for a in answers if cut_at + 0.5 < a[0] < restored_at]
    after_ok = [a[0] for a in answers if a[0] > restored_at and a[1] == 200]
    recovered = (min(after_ok) - restored_at) if after_ok else float("nan")
    ready_during = [r for r in readiness if cut_at + 0.5 < r[0] < restored_at]
    statuses: dict[int, int] = {}
    for answer in during:
        statuses[answer[1]] = statuses.get(answer[1], 0) + 1
    result = {
        "outage_seconds": OUTAGE,
        "requests_during_outage": len(during),
        "statuses_during_outage": ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
        "answers_500": sum(1 for a in answers if a[1] == 500),
        "503_without_retry_after": sum(1 for a in during if a[1] == 503 and not a[2]),
        "slowest_answer_during_outage_s": round(max((a[3] for a in during), default=0.0), 2),
        "readiness_503_during_outage": sum(1 for r in ready_during if r[1] == 503),
        "readiness_slowest_s": round(max((r[2] for r in readiness), default=0.0), 2),
        "recovered_after_s": round(recovered, 2),
    }
    result["ok"] = (
        result["answers_500"] == 0
        and result["503_without_retry_after"] == 0
        and result["readiness_slowest_s"] <= 1.0
        and bool(ready_during)
        and all(r[1] == 503 for r in ready_during)
        and recovered == recovered
    )
    return result
