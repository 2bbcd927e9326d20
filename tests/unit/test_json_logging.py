"""The served process logs one JSON object per line, fields on top level, no exception message."""

from __future__ import annotations

import json
import logging

from app.entrypoints.logging_setup import JsonFormatter


def _record(**kwargs: object) -> logging.LogRecord:
    record = logging.LogRecord("cockpit.access", logging.INFO, __file__, 1, "http request", None, None)
    record.__dict__.update(kwargs)
    return record


def test_access_record_is_one_json_line_with_its_fields() -> None:
    fields = {"correlation_id": "ab", "route": "/api/v1/cases/{case_id}", "method": "GET", "status": 200}
    line = JsonFormatter().format(_record(fields={**fields, "duration_ms": 1.5}))
    assert "\n" not in line
    document = json.loads(line)
    assert document["logger"] == "cockpit.access"
    assert document["level"] == "info"
    assert {key: document[key] for key in fields} == fields
    assert document["duration_ms"] == 1.5


def test_an_exception_is_named_not_quoted() -> None:
    try:
        raise RuntimeError("insert failed for 756.1234.5678.97")
    except RuntimeError:
        import sys

        record = _record(exc_info=sys.exc_info())
    line = JsonFormatter().format(record)
    assert json.loads(line)["error"] == "RuntimeError"
    assert "756.1234" not in line


def test_served_logging_silences_the_servers_raw_path_access_log() -> None:
    import io

    from app.entrypoints import logging_setup

    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging_setup._listener)
    logging_setup._listener = None
    stream = io.StringIO()
    try:
        logging_setup.configure_json_logging(stream=stream)
        logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /api/v1/persons/756.1234.5678.97"')
        logging.getLogger("cockpit.access").info("http request", extra={"fields": {"status": 200}})
        logging_setup.stop_json_logging()
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging_setup._listener = saved[2]
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["logger"] for line in lines] == ["cockpit.access"]
