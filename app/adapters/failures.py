"""What the service says about a failure: one log line each, and 503 when the database is away.

The log line carries the error's type, its message scrubbed of anything that could be a value
(quoted text, long digit runs: a database message can quote the row it failed on) and where in our
code it surfaced. No stack: one failure, one line, readable in a log viewer.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^()]*=[^()]*\)")
_DIGITS = re.compile(r"\d[\d.\-/: ]{4,}\d")
_APP_ROOT = Path(__file__).resolve().parents[1]
MAX_MESSAGE = 200


def is_database_unavailable(error: BaseException) -> bool:
    """The database cannot serve now (unreachable, timed out, locked, full, pool exhausted): 503."""
    if isinstance(error, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def scrubbed_message(error: BaseException) -> str:
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    first_line = (str(original).strip().splitlines() or [""])[0]
    text = _DIGITS.sub("…", _QUOTED.sub("…", first_line))
    return text[:MAX_MESSAGE]


def where(error: BaseException) -> str:
    """The innermost frame in our own code (file:line), else the innermost frame at all."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(_APP_ROOT))]
    if not frames:
        return "-"
    frame = (ours or frames)[-1]
    filename = Path(frame.filename)
    shown = (
        filename.relative_to(_APP_ROOT.parent) if filename.is_relative_to(_APP_ROOT.parent) else filename.name
    )
    return f"{shown}:{frame.lineno}"


def failure_summary(error: BaseException) -> str:
    """`OperationalError: connection refused at app/adapters/db/…:42` in one line."""
    message = scrubbed_message(error)
    return f"{type(error).__name__}: {message or '-'} at {where(error)}"
