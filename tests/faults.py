"""Faults injected at the recorder, the ledger's one door to its store."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import OperationalError

from ledger import CreditLedger


class FaultyRecorder:
    """Passes every call to the real recorder, except the faults it is given."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self._faults: dict[str, list[bool]] = {}

    def fail(self, method: str, times: int = 1, after_the_call: bool = False) -> None:
        """The next `times` calls of `method` raise OperationalError (throttled, say);
        with `after_the_call`, only once the real call has been made (a write
        whose answer was lost)."""
        self._faults.setdefault(method, []).extend([after_the_call] * times)

    def heal(self) -> None:
        self._faults.clear()

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.real, name)
        if not callable(real):
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            queued = self._faults.get(name)
            if not queued:
                return real(*args, **kwargs)
            if queued.pop(0):
                real(*args, **kwargs)
            raise OperationalError(f"{name}: injected failure")

        return call


class FaultyLedger(CreditLedger):
    """A ledger whose events pass through a FaultyRecorder."""

    recorder: FaultyRecorder  # type: ignore[assignment]

    def construct_recorder(self) -> Any:
        return FaultyRecorder(super().construct_recorder())
