"""Pieces of the fault suite: a served Cockpit in its own processes, a webhook receiver, a TCP proxy
that can cut the database off, a client that writes cases. Loopback only, ten ports from
COCKPIT_EVIDENCE_PORT_BASE (8120 unless set)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from app.domain.ahvn13 import ean13_check_digit

PORT_BASE = int(os.environ.get("COCKPIT_EVIDENCE_PORT_BASE", "8120"))
PORTS = iter(range(PORT_BASE, PORT_BASE + 10))
COCKPIT = str(Path(sys.executable).with_name("cockpit"))
START_LIMIT = 60.0


def next_port() -> int:
    return next(PORTS)


def environment(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "COCKPIT_ENVIRONMENT": "dev",
        "COCKPIT_DATABASE_URL": database_url,
        "COCKPIT_KEYRING_PATH": str(home / "keyring.json"),
        "COCKPIT_AUDIT_SIGNING_KEY_FILE": str(home / "audit-signing-key.pem"),
        "COCKPIT_AUTH_SIGNING_KEY_DIR": str(home / "signing-keys"),
        "COCKPIT_RECEIPT_DIR": str(home / "receipts"),
        "COCKPIT_WORKER_POLL_SECONDS": "0.2",
        "COCKPIT_WEBHOOK_BACKOFF_SECONDS": "0.5",
        "COCKPIT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",  # the receivers listen on loopback (plain http)
        **extra,
    }


def cockpit(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([COCKPIT, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"cockpit {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


class Process:
    """A cockpit process (serve, worker, sequencer) that can be killed and started again."""

    def __init__(self, env: dict[str, str], args: list[str], log: Path) -> None:
        self.env, self.args, self.log = env, args, log
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.popen = subprocess.Popen([COCKPIT, *self.args], env=self.env, stdout=handle, stderr=handle)
        handle.close()
        return self

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid


def serve(env: dict[str, str], port: int, log: Path) -> Process:
    process = Process(env, ["serve", "--host", "127.0.0.1", "--port", str(port)], log).start()
    wait_until_live(f"http://127.0.0.1:{port}")
    return process


def wait_until_live(base_url: str) -> None:
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base_url} startet nicht")


def rss_megabytes(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# -- writing cases --------------------------------------------------------------------------------
def new_ahvn13() -> str:
    body = f"756{random.randrange(10**8, 10**9):09d}"
    digits = body + str(ean13_check_digit(body))
    return f"{digits[0:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:13]}"


def open_new_case(client: httpx.Client, user: str = "demo-sd") -> tuple[int, str | None]:
    """Register a person and open their case; (status of the opening, case id if acknowledged)."""
    headers = {"X-Cockpit-Dev-User": user}
    person = client.post(
        "/api/v1/persons",
        json={
            "ahvn13": new_ahvn13(),
            "family_name": "Muster",
            "given_name": "Eva",
            "birth_date": "1980-05-17",
        },
        headers=headers,
    )
    if person.status_code != 201:
        return person.status_code, None
    body = {
        "person_id": person.json()["id"],
        "local_reference": f"EV-{uuid.uuid4().hex[:8]}",
        "opened_on": str(date.today()),
    }
    case = client.post("/api/v1/cases", json=body, headers=headers)
    return case.status_code, case.json()["id"] if case.status_code == 201 else None


# -- a webhook receiver ---------------------------------------------------------------------------
@dataclass
class Receiver:
    url: str = ""
    event_ids: list[str] = field(default_factory=list)
    case_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def receiving(port: int) -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            payload = json.loads(body)
            with receiver.lock:
                receiver.event_ids.append(str(payload["id"]))
                receiver.case_ids.add(str(payload["case_id"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{port}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


# -- a TCP proxy that can cut the database off ----------------------------------------------------
class CuttableProxy:
    def __init__(self, listen_port: int, target: tuple[str, int]) -> None:
        self.listen_port, self.target = listen_port, target
        self._open = threading.Event()
        self._open.set()
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", listen_port))
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Every connection dropped; new ones are accepted and dropped at once (a dead database)."""
        self._open.clear()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._connections.clear()

    def restore(self) -> None:
        self._open.set()

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.close()


# -- figures --------------------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) samples, per hour."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    denominator = sum((x - mean_x) ** 2 for x in xs)
    if denominator == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator * 3600
