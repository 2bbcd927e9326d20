"""A soak at a fixed rate (open loop: requests are sent on schedule, not when the last returned):
case reads, case lists and new cases, with the worker delivering to a subscriber. p50/p99 per
phase, errors, and the server's memory over time (least-squares slope in MB per hour)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from app.demo.directory import WASSERAMT
from bench.evidence.harness import (
    Process,
    cockpit,
    environment,
    next_port,
    open_new_case,
    percentile,
    receiving,
    rss_megabytes,
    serve,
    slope_per_hour,
)

WARM_UP = 30.0


def run(workdir: Path, seconds: float, rate: float = 20.0) -> dict[str, object]:
    home = workdir / "soak"
    home.mkdir(parents=True)
    env = environment(home, f"sqlite:///{home / 'cockpit.db'}")
    cockpit(env, "db", "upgrade")
    cockpit(env, "demo", "seed")
    port = next_port()
    base = f"http://127.0.0.1:{port}"
    with receiving(next_port()) as receiver:
        cockpit(env, "events", "subscribe", "--stelle", WASSERAMT, "--url", receiver.url)
        server = serve(env, port, home / "serve.log")
        worker = Process(env, ["worker"], home / "worker.log").start()
        try:
            result = _soak(base, server.pid, seconds, rate)
        finally:
            worker.stop()
            server.stop()
        result["webhook_deliveries"] = len(receiver.event_ids)
    result["database"] = str(home / "cockpit.db")
    result["env_home"] = str(home)
    return result


def _soak(base: str, pid: int, seconds: float, rate: float) -> dict[str, object]:
    headers = {"X-Cockpit-Dev-User": "demo-sd"}
    local = threading.local()
    with httpx.Client(base_url=base, timeout=30) as client:
        cases = [c["id"] for c in client.get("/api/v1/cases", headers=headers).json()["items"]]
    latencies: list[tuple[float, float]] = []
    errors: list[int] = []
    lock = threading.Lock()

    def one(kind: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=30)
        began = time.perf_counter()
        try:
            if kind == "write":
                status, _ = open_new_case(local.client)
                ok = status == 201
            elif kind == "list":
                ok = local.client.get("/api/v1/cases", headers=headers).status_code == 200
            else:
                ok = (
                    local.client.get(f"/api/v1/cases/{random.choice(cases)}", headers=headers).status_code
                    == 200
                )
        except httpx.HTTPError:
            ok = False
        took = time.perf_counter() - began
        with lock:
            latencies.append((time.monotonic(), took * 1000))
            if not ok:
                errors.append(1)

    memory: list[tuple[float, float]] = []
    started = time.monotonic()
    sent = 0
    with ThreadPoolExecutor(max_workers=16) as pool:
        while (now := time.monotonic()) - started < seconds:
            due = started + sent / rate
            if now < due:
                time.sleep(due - now)
            roll = random.random()
            pool.submit(one, "write" if roll < 0.2 else "list" if roll < 0.35 else "read")
            sent += 1
            if sent % int(rate * 5) == 0:
                memory.append((time.monotonic() - started, rss_megabytes(pid)))
    values = [ms for _, ms in latencies]
    steady = [(t, m) for t, m in memory if t >= min(WARM_UP, seconds / 3)]
    last_minute = [ms for t, ms in latencies if t - started > seconds - 60]
    result = {
        "seconds": round(time.monotonic() - started),
        "rate_per_s": rate,
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": round(percentile(values, 0.5), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "p99_last_minute_ms": round(percentile(last_minute, 0.99), 1),
        "rss_start_mb": round(memory[0][1], 1) if memory else 0.0,
        "rss_end_mb": round(memory[-1][1], 1) if memory else 0.0,
        "rss_slope_mb_per_h": round(slope_per_hour(steady), 1),
    }
    result["ok"] = len(errors) == 0
    return result
