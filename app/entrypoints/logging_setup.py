"""Logging for the served process: one JSON object per line, written by a background thread.

The request path only puts a record on an in-memory queue; formatting and the write to stderr happen
in the listener thread, so a slow log sink never blocks the event loop.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from typing import Any

_listener: QueueListener | None = None


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", …fields}`: the record's `fields` extra becomes top-level
    keys. Exceptions carry their type and stack only; messages of driver errors can hold personal data."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            document.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            document["error"] = record.exc_info[0].__name__
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


class _InProcessQueueHandler(QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # The queue stays in this process: no need to format (and pay for it) on the caller's thread.
        return record


def configure_json_logging(level: int = logging.INFO, stream: Any = None) -> None:
    """Route every logger through one queue to a JSON line writer (idempotent per process)."""
    global _listener
    if _listener is not None:
        return
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    writer = logging.StreamHandler(stream or sys.stderr)
    writer.setFormatter(JsonFormatter())
    _listener = QueueListener(records, writer, respect_handler_level=False)
    _listener.start()
    atexit.register(stop_json_logging)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_InProcessQueueHandler(records))
    root.setLevel(level)
    # uvicorn's own loggers write through the same queue and format; its access log stays off for
    # good (it would log raw paths, which may carry personal data): ours names route templates.
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers = []
    uvicorn_access.propagate = False
    uvicorn_access.disabled = True


def stop_json_logging() -> None:
    """Write out what is queued and end the writer thread (at exit; idempotent)."""
    global _listener
    listener, _listener = _listener, None
    if listener is not None:
        listener.stop()


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn keeps its loggers but leaves the handlers to ours (see configure_json_logging)."""
    return {"version": 1, "disable_existing_loggers": False, "loggers": {"uvicorn": {"level": "INFO"}}}
