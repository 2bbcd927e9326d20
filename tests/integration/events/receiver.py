"""A webhook receiver on loopback, as an institution system would run it: verifies every signature."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.adapters.events.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass
class Receiver:
    secret: str = ""
    url: str = ""
    received: list[dict[str, object]] = field(default_factory=list)
    rejected: int = 0
    answer: int = 200
    first_request: threading.Event = field(default_factory=threading.Event)
    hold: threading.Event | None = None  # when set, requests wait for it before answering
    clock: Callable[[], float] = time.time

    @property
    def event_ids(self) -> list[str]:
        return [str(e["id"]) for e in self.received]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signed = verify(
                receiver.secret,
                self.headers.get(TIMESTAMP_HEADER, ""),
                body,
                self.headers.get(SIGNATURE_HEADER, ""),
                now=int(receiver.clock()),
            )
            if not signed:
                receiver.rejected += 1
                self.send_response(401)
                self.end_headers()
                return
            event = json.loads(body)
            assert event["id"] == self.headers[EVENT_ID_HEADER]
            receiver.received.append(event)
            receiver.first_request.set()
            if receiver.hold is not None:
                receiver.hold.wait(timeout=60)
            self.send_response(receiver.answer)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/cockpit"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()
