"""SIGKILL of the server and of the worker in the middle of a burst of case openings: every
acknowledged opening (201) is in the database with its audit event and its change event, and
reaches the subscriber's webhook once the worker runs again."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from app.adapters.db.engine import make_engine
from app.demo.directory import WASSERAMT
from bench.evidence.harness import Process, cockpit, environment, next_port, open_new_case, receiving, serve

CLIENTS = 4
DELIVERY_LIMIT = 90.0


def run(workdir: Path, burst_seconds: float = 24.0) -> dict[str, object]:
    home = workdir / "kill"
    home.mkdir(parents=True)
    url = f"sqlite:///{home / 'cockpit.db'}"
    env = environment(home, url)
    cockpit(env, "db", "upgrade")
    cockpit(env, "demo", "seed")
    port = next_port()
    base = f"http://127.0.0.1:{port}"
    with receiving(next_port()) as receiver:
        cockpit(env, "events", "subscribe", "--stelle", WASSERAMT, "--url", receiver.url)
        server = serve(env, port, home / "serve.log")
        worker = Process(env, ["worker"], home / "worker.log").start()
        acknowledged: list[str] = []
        attempts = {"sent": 0, "failed": 0}
        lock = threading.Lock()
        stop = threading.Event()

        def burst() -> None:
            with httpx.Client(base_url=base, timeout=10) as client:
                while not stop.is_set():
                    try:
                        case_id = open_new_case(client)[1]
                    except httpx.HTTPError:
                        case_id = None
                    with lock:
                        attempts["sent"] += 1
                        if case_id:
                            acknowledged.append(case_id)
                        else:
                            attempts["failed"] += 1
                            time.sleep(0.05)

        threads = [threading.Thread(target=burst) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        kills = []
        started = time.monotonic()
        for moment, who in ((6, "server"), (12, "worker"), (18, "server")):
            time.sleep(max(0.0, started + moment - time.monotonic()))
            process = server if who == "server" else worker
            process.kill()
            kills.append((moment, who))
            if who == "server":
                server = serve(env, port, home / "serve.log")
            else:
                worker = Process(env, ["worker"], home / "worker.log").start()
        time.sleep(max(0.0, started + burst_seconds - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + DELIVERY_LIMIT
        while time.monotonic() < deadline and not set(acknowledged) <= receiver.case_ids:
            time.sleep(0.5)
        delivered = set(acknowledged) & receiver.case_ids
        server.stop()
        worker.stop()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            cases = {str(r[0]).replace("-", "") for r in connection.execute(text("SELECT id FROM cases"))}
            audited = {
                str(r[0]).replace("-", "")
                for r in connection.execute(
                    text("SELECT case_id FROM audit_events WHERE operation = 'cases.open'")
                )
            }
            announced = {
                str(r[0]).replace("-", "")
                for r in connection.execute(
                    text("SELECT case_id FROM outbox_events WHERE type = 'case.created'")
                )
            }
    finally:
        engine.dispose()
    wanted = {a.replace("-", "") for a in acknowledged}
    verified = subprocess_ok(env)
    result = {
        "kills": ", ".join(f"{who} at {moment} s" for moment, who in kills),
        "openings_sent": attempts["sent"],
        "acknowledged": len(acknowledged),
        "not_acknowledged": attempts["failed"],
        "acknowledged_missing": len(wanted - cases),
        "without_audit_event": len(wanted - audited),
        "without_change_event": len(wanted - announced),
        "not_delivered_by_webhook": len(set(acknowledged) - delivered),
        "audit_verify_after": "unversehrt" if verified else "BRUCH",
    }
    result["ok"] = (
        result["acknowledged_missing"] == result["without_audit_event"] == result["without_change_event"] == 0
        and result["not_delivered_by_webhook"] == 0
        and verified
    )
    return result


def subprocess_ok(env: dict[str, str]) -> bool:
    try:
        cockpit(env, "audit", "verify")
        return True
    except RuntimeError:
        return False
