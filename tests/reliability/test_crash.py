"""kill -9 or SIGTERM while clients consume: every acknowledged consume survives, none twice."""

from __future__ import annotations

import signal
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


@pytest.mark.parametrize(
    ("round_", "sig"),
    [(0, signal.SIGKILL), (1, signal.SIGKILL), (0, signal.SIGTERM)],
    ids=["kill-9", "kill-9-later", "sigterm"],
)
def test_acknowledged_consumes_survive_a_stop(tmp_path: Path, round_: int, sig: int) -> None:
    """SIGKILL cuts writes off anywhere; SIGTERM lets the requests under way finish
    before the store closes (new ones get 503 BUSY): either way nothing
    acknowledged is lost."""
    server = LedgerProcess(tmp_path / "data").start()
    try:
        assert call(server.base, "PUT", f"/orgs/{ORG}/plan", {"plan": "Ultimate"}).status == 200
        consumers = [Consumer(server.base, ORG, f"c{n}") for n in range(CLIENTS)]
        stop = threading.Event()
        threads = start_threads(consumers, "run_until", stop)
        _acknowledged_some(consumers, 40 + 30 * round_)
        server.stop(sig)
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
        if sig == signal.SIGTERM:  # requests under way finished before the store closed
            assert all(s < 500 or s == 503 for c in consumers for s in c.statuses if s)
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
