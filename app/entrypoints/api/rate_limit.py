"""A sliding-window request limit per key (a client id, a caller's address), held in the process.

For the token endpoint: a stolen or guessed client secret cannot be tried at speed, and a runaway
client cannot mint tokens in a loop. Each server process counts for itself; behind several processes
the effective limit is the sum (docs/identity.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta


class RateLimiter:
    def __init__(self, limit: int, window: timedelta = timedelta(minutes=1), max_keys: int = 10_000) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, keys: tuple[str, ...], now: datetime) -> int | None:
        """Count one request under every key; seconds to wait if any key is over its limit (the
        request is then not counted)."""
        with self._lock:
            hits = [self._recent(key, now) for key in keys]
            full = [h for h in hits if len(h) >= self._limit]
            if full:
                oldest = min(h[0] for h in full)
                return max(1, int((oldest + self._window - now).total_seconds() + 0.999))
            for h in hits:
                h.append(now)
            return None

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        self._hits[key] = hits  # most recently used last
        while len(self._hits) > self._max_keys:
            self._hits.popitem(last=False)
        return hits
