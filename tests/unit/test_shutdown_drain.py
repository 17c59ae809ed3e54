"""Shutdown of `ledger serve`: requests under way finish; new ones are refused."""

from __future__ import annotations

import threading

from localmode.shutdown import InFlight


def test_drain_waits_for_requests_under_way_and_refuses_new_ones() -> None:
    requests = InFlight()
    assert requests.enter()
    drained: list[bool] = []
    waiter = threading.Thread(target=lambda: drained.append(requests.drain(timeout=10)))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive(), "drain returned while a request was under way"
    assert not requests.enter(), "a new request started during shutdown"
    requests.leave()
    waiter.join(10)
    assert drained == [True]


def test_drain_gives_up_after_its_timeout() -> None:
    requests = InFlight()
    assert requests.enter()
    assert requests.drain(timeout=0.05) is False
