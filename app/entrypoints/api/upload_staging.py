"""Uploads arrive in full before any transaction opens.

A document body is spooled into a staging file (memory up to 1 MiB, then a temporary file in
`COCKPIT_UPLOAD_STAGING_DIR`) with an idle and a total deadline; only a complete body reaches the use
case, which then stores it in one short transaction. A slow or stalled client therefore holds a
staging file and an upload slot of its own, never a database connection or the SQLite write lock.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

import anyio

from app.entrypoints.api.problems import ProblemError

SPOOL_IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024


class UploadSlots:
    """At most `per_client` uploads of one client (principal) at a time, in this process."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._open: Counter[str] = Counter()

    @asynccontextmanager
    async def slot(self, client: str, retry_after: int) -> AsyncIterator[None]:
        # One event loop per process: the check and the increment need no lock.
        if self._open[client] >= self.per_client:
            raise ProblemError(
                "too-many-uploads",
                f"Es laufen bereits {self.per_client} Uploads dieses Zugangs; bitte später erneut senden.",
                headers={"Retry-After": str(retry_after)},
            )
        self._open[client] += 1
        try:
            yield
        finally:
            self._open[client] -= 1
            if self._open[client] <= 0:
                del self._open[client]

    def open_uploads(self, client: str) -> int:
        return self._open[client]


async def stage(
    stream: AsyncIterator[bytes],
    max_bytes: int,
    idle_timeout: float,
    total_timeout: float,
    directory: Path | None = None,
) -> IO[bytes]:
    """The whole body in a staging file, positioned at its start. 413 past `max_bytes`, 408 when the
    client pauses longer than `idle_timeout` or takes longer than `total_timeout` in all."""
    staged = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - handed to the caller, who closes it
        max_size=SPOOL_IN_MEMORY, dir=str(directory) if directory else None
    )
    try:
        size = 0
        with anyio.fail_after(total_timeout):
            while True:
                with anyio.fail_after(idle_timeout):
                    try:
                        piece = await stream.__anext__()
                    except StopAsyncIteration:
                        break
                size += len(piece)
                if size > max_bytes:
                    raise ProblemError(
                        "payload-too-large",
                        f"Das Dokument ist grösser als {max_bytes // 1024} KiB.",
                        errors=[{"detail": "Die Datei ist zu gross.", "parameter": "body", "in": "body"}],
                    )
                staged.write(piece)
    except TimeoutError:
        staged.close()
        raise ProblemError(
            "request-timeout", "Der Inhalt der Anfrage kam nicht rechtzeitig an; bitte erneut senden."
        ) from None
    except BaseException:
        staged.close()
        raise
    staged.seek(0)
    return staged


def pieces(staged: IO[bytes]) -> Iterator[bytes]:
    while piece := staged.read(CHUNK):
        yield piece
