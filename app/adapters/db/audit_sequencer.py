"""The in-process sequencer: seals queued audit events every few moments and signs checkpoints."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.operations_metrics import SEQUENCER_FAILURES

log = logging.getLogger(__name__)


class Positioning(Protocol):
    """Positions committed change events (app/adapters/events/sequencer.py, given by the composition
    root)."""

    def sequence(self) -> int: ...


class SequencerThread:
    """Seals the audit log and positions committed change events (the outbox) each round."""

    def __init__(
        self,
        ledger: SqlAuditLedger,
        seal_interval: float,
        checkpoint_interval: float,
        outbox: Positioning | None = None,
    ) -> None:
        self.ledger = ledger
        self.outbox = outbox
        self.seal_interval = seal_interval
        self.checkpoint_interval = checkpoint_interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-sequencer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.run_once(checkpoint=False)  # what arrived during shutdown

    def run_once(self, *, checkpoint: bool) -> None:
        try:
            self.ledger.seal()
            if checkpoint:
                self.ledger.checkpoint()
        except Exception as error:  # keep sealing on the next round; never log data
            SEQUENCER_FAILURES.labels("audit").inc()
            log.error("Versiegeln des Audit-Protokolls fehlgeschlagen (%s)", type(error).__name__)
        if self.outbox is not None:
            try:
                self.outbox.sequence()
            except Exception as error:  # the next round catches up; positions are assigned in order
                SEQUENCER_FAILURES.labels("outbox").inc()
                log.error("Einreihen der Änderungsereignisse fehlgeschlagen (%s)", type(error).__name__)

    def _run(self) -> None:
        last_checkpoint = time.monotonic()
        while not self._stop.wait(self.seal_interval):
            due = time.monotonic() - last_checkpoint >= self.checkpoint_interval
            self.run_once(checkpoint=due)
            if due:
                last_checkpoint = time.monotonic()
