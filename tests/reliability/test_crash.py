"""kill -9 while clients consume: every acknowledged consume survives, none twice."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.http.client import LedgerProcess, call
from tests.reliability.load import Consumer, start_threads

pytestmark = pytest.mark.slow

ORG = "crash-org"
CLIENTS = 6


def _history(server: LedgerProcess, org: str) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    after = 0
    while True:
        page = call(server.base, "GET", f"/orgs/{org}/events?after={after}&limit=1000").json()
        events.extend(page["events"])
        if page["next_after"] is None:
            return events
        after = page["next_after"]


def _acknowledged_some(consumers: list[Consumer], count: int) -> None:
    # Waits on progress, not on time: the kill lands while writes are in flight.
    while sum(len(c.acknowledged) for c in consumers) < count:
        time.sleep(0.005)


@pytest.mark.parametrize("round_", range(2))
def test_acknowledged_consumes_survive_kill_9(tmp_path: Path, round_: int) -> None:
    server = LedgerProcess(tmp_path / "data").start()
    try:
        assert call(server.base, "PUT", f"/orgs/{ORG}/plan", {"plan": "Ultimate"}).status == 200
        consumers = [Consumer(server.base, ORG, f"c{n}") for n in range(CLIENTS)]
        stop = threading.Event()
        threads = start_threads(consumers, "run_until", stop)
        _acknowledged_some(consumers, 40 + 30 * round_)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        server.start()
        consumed = [
            e["data"]["enquiry_id"]  # type: ignore[index]
            for e in _history(server, ORG)
            if e["type"] == "CreditConsumed"
        ]
        acknowledged = [enquiry for c in consumers for enquiry in c.acknowledged]
        assert [e for c in consumers for e in c.mixed_up] == []
        assert len(consumed) == len(set(consumed)), "an enquiry was charged twice"
        assert set(acknowledged) <= set(consumed), "an acknowledged consume was lost"
        status = call(server.base, "GET", f"/orgs/{ORG}").json()
        assert status["used"] == len(consumed)
        assert status["remaining"] == status["limit"] - len(consumed)
        # What the kill cut off may or may not have been written; a retry settles it once.
        retried = []
        for consumer in consumers:
            consumer.base = server.base  # a new port after the restart
            retried.append(consumer.consume(f"{consumer.name}-{len(consumer.statuses)}"))
        assert set(retried) <= {200, 201}
        after = call(server.base, "GET", f"/orgs/{ORG}").json()
        assert after["used"] == len(consumed) + retried.count(201)
    finally:
        server.stop()
