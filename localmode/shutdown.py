"""Shutdown of `ledger serve`: requests under way finish before the store closes."""

from __future__ import annotations

import threading


class InFlight:
    """Counts the requests being handled, so that shutdown lets them finish
    before the store closes under them."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0
        self._closing = False

    def enter(self) -> bool:
        """Whether a request may start (not once shutdown has begun)."""
        with self._changed:
            if self._closing:
                return False
            self._count += 1
            return True

    def leave(self) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def drain(self, timeout: float) -> bool:
        """Refuses new requests and waits for those under way; False on timeout."""
        with self._changed:
            self._closing = True
            return self._changed.wait_for(lambda: self._count == 0, timeout)


IN_FLIGHT = InFlight()
