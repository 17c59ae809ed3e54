"""A failing projection loop backs off and says so once, not once per poll."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from ledger import CreditLedger
from localmode.feeds import Batch
from localmode.worker import ProjectionWorker
from projections.store import MemoryProjectionStore

FAILURES = 6


class FlakyFeed:
    """Fails FAILURES times, then yields nothing; counts its polls."""

    poll_seconds = 0.001

    def __init__(self) -> None:
        self.polls = 0
        self.recovered = threading.Event()

    def batches(self) -> Iterator[Batch]:
        self.polls += 1
        if self.polls <= FAILURES:
            raise ConnectionError("the store does not answer")
        self.recovered.set()
        return iter(())


class Recorder:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __getattr__(self, level: str) -> Any:
        return lambda message, **_: self.lines.append((level, message))


def test_a_failing_loop_logs_once_and_once_more_when_it_recovers() -> None:
    feed, logger = FlakyFeed(), Recorder()
    worker = ProjectionWorker(
        CreditLedger(),
        MemoryProjectionStore(),
        sink=None,  # type: ignore[arg-type]
        logger=logger,
        feed=feed,
        longest_wait=0.004,
    )
    worker.start()
    assert feed.recovered.wait(30)
    worker.stop()
    assert feed.polls > FAILURES
    levels = [level for level, _ in logger.lines]
    assert levels == ["exception", "warning"], logger.lines
    assert "backoff" in logger.lines[0][1] and "again" in logger.lines[1][1]
