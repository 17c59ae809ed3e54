"""One deadline per request, for everything the request waits on.

The API sets it when a request arrives (handlers.api: under the function's
timeout; `ledger serve`: a setting); the org session reads it to bound the
wait for the org's lock, the attempts and the pauses between them, and the
store adapter to stop its own retries. `reserve` is the longest one store call
may take: no attempt starts unless it could finish before the deadline, so the
BUSY answer goes out in time even when the store stops answering.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    at: float  # time.monotonic() by which the answer must be given
    reserve: float = 0.0  # seconds kept back for one store call

    def remaining(self) -> float:
        """Seconds left to start work that may itself take `reserve`."""
        return self.at - self.reserve - time.monotonic()


_current: ContextVar[Deadline | None] = ContextVar("ledger_deadline", default=None)


@contextmanager
def within(seconds: float | None, reserve: float = 0.0) -> Iterator[None]:
    """Sets the request's deadline `seconds` from now (None: no deadline)."""
    token = _current.set(
        None if seconds is None else Deadline(time.monotonic() + seconds, min(reserve, seconds))
    )
    try:
        yield
    finally:
        _current.reset(token)


def remaining() -> float | None:
    """Seconds left to start a store call, or None without a deadline."""
    found = _current.get()
    return None if found is None else found.remaining()


def passed() -> bool:
    left = remaining()
    return left is not None and left <= 0
