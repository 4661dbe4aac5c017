"""Fail fast while a service is known to be down or hung (issue 12).

A Redis that hangs rather than refuses costs each call its full socket timeout: a login asks the
cache up to four times, an edit twice, so every one of them took seconds. After a call fails,
`Outage` remembers it for a short while in this process, and the callers that can do without
the service (rate limits let the request through, an edit's recompute is left to the periodic
run) skip it at once instead of waiting for the timeout again. One call after the pause tries
the service again.
"""

import threading
import time


class Outage:
    def __init__(self, name: str, *, pause_seconds: float = 30.0):
        self.name = name
        self.pause_seconds = pause_seconds
        self._until = 0.0
        self._lock = threading.Lock()

    def known(self) -> bool:
        """The service failed less than `pause_seconds` ago: skip it."""
        return time.monotonic() < self._until

    def record(self) -> None:
        with self._lock:
            self._until = time.monotonic() + self.pause_seconds

    def clear(self) -> None:
        with self._lock:
            self._until = 0.0


# The cache and the broker: on Redis in production, usually the same server.
REDIS = Outage("redis")
