"""The worker's loop: passes until stopped; a failing pass backs off and is tried again.

A database that is away (restart, failover, network) is a normal event for a long-running worker:
it logs one line per failed pass, waits with exponential backoff and jitter, and carries on. Each
pass and each failure is written as a heartbeat (worker_heartbeats) where the database allows, so
`cockpit worker --check` and the operations metrics see whether the worker lives and delivers.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.events.models import WorkerHeartbeatRow
from app.adapters.failures import failure_summary
from app.adapters.operations_metrics import WORKER_PASS_FAILURES

log = logging.getLogger("cockpit.worker")

MAX_BACKOFF_SECONDS = 60.0


def worker_name() -> str:
    return f"worker@{socket.gethostname()}"[:64]


class Heartbeat:
    def __init__(self, sessions: sessionmaker[Session], name: str, now: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self.name = name
        self._now = now

    def beat(self, state: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(WorkerHeartbeatRow, self.name)
            if row is None:
                session.add(WorkerHeartbeatRow(name=self.name, beat_at=self._now(), state=state[:200]))
            else:
                row.beat_at, row.state = self._now(), state[:200]


def latest_heartbeat(engine: Engine, prefix: str = "worker@") -> tuple[datetime, str] | None:
    with sessionmaker(engine)() as session:
        row = session.execute(
            select(WorkerHeartbeatRow.beat_at, WorkerHeartbeatRow.state)
            .where(WorkerHeartbeatRow.name.startswith(prefix))
            .order_by(WorkerHeartbeatRow.beat_at.desc())
            .limit(1)
        ).first()
    return (row[0], row[1]) if row else None


class WorkerLoop:
    def __init__(
        self,
        one_pass: Callable[[], int],
        poll_seconds: float,
        heartbeat: Heartbeat | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._pass = one_pass
        self._poll = poll_seconds
        self._heartbeat = heartbeat
        self._on_failure = on_failure
        self.failures_in_a_row = 0

    def run(self, stop: threading.Event, *, once: bool = False) -> None:
        while not stop.is_set():
            try:
                attempted = self._pass()
            except Exception as error:  # the next pass may well succeed: never leave the loop
                self.failures_in_a_row += 1
                WORKER_PASS_FAILURES.inc()
                delay = self.backoff(self.failures_in_a_row)
                log.error(
                    "Zustell-Durchgang fehlgeschlagen (%d. Mal, pid %d): %s; nächster Versuch in %.1f s",
                    self.failures_in_a_row,
                    os.getpid(),
                    failure_summary(error),
                    delay,
                )
                if self._on_failure is not None:
                    self._on_failure(error)
                self._beat(f"Fehler: {type(error).__name__}")
                if once:
                    return
                stop.wait(delay)
                continue
            self.failures_in_a_row = 0
            self._beat("ok")
            if once:
                return
            if attempted == 0:
                stop.wait(self._poll)

    def backoff(self, failures: int) -> float:
        base = min(MAX_BACKOFF_SECONDS, self._poll * 2 ** (failures - 1))
        return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, no secret

    def _beat(self, state: str) -> None:
        if self._heartbeat is None:
            return
        try:
            self._heartbeat.beat(state)
        except Exception as error:  # the database may be the very thing that failed
            log.warning("Lebenszeichen nicht geschrieben: %s", failure_summary(error))
