"""16 clients at once on one org with N credits left: exactly N succeed, and every view agrees."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from tests.http.client import LedgerProcess, call
from tests.reliability.load import Consumer, start_threads

pytestmark = pytest.mark.slow

CLIENTS = 16
PER_CLIENT = 4
USED_BEFORE = 7
LITE = 20
LEFT = LITE - USED_BEFORE


def _prepare(server: LedgerProcess, org: str) -> None:
    assert call(server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Lite"}).status == 200
    warm_up = Consumer(server.base, org, "before")
    for n in range(USED_BEFORE):
        assert warm_up.consume(f"before-{n}") == 201
    assert call(server.base, "GET", f"/orgs/{org}").json()["remaining"] == LEFT


def _usage_agrees(server: LedgerProcess, org: str, month: str) -> bool:
    reply = call(server.base, "GET", f"/orgs/{org}/usage?month={month}")
    return reply.status == 200 and (reply.json()["used"], reply.json()["remaining"]) == (LITE, 0)


def test_storm_gets_exactly_the_credits_left(server: LedgerProcess) -> None:
    org = "storm-org"
    _prepare(server, org)
    consumers = [Consumer(server.base, org, f"s{n}") for n in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    for thread in start_threads(consumers, "run", start, PER_CLIENT):
        thread.join(timeout=60)

    assert [e for c in consumers for e in c.mixed_up] == []
    statuses = Counter(s for c in consumers for s in c.statuses)
    assert statuses == {201: LEFT, 402: CLIENTS * PER_CLIENT - LEFT}
    granted = {e for c in consumers for e in c.acknowledged}

    events = call(server.base, "GET", f"/orgs/{org}/events?limit=1000").json()["events"]
    consumed = [e["data"]["enquiry_id"] for e in events if e["type"] == "CreditConsumed"]
    assert len(consumed) == len(set(consumed)) == LITE
    assert set(consumed) == granted | {f"before-{n}" for n in range(USED_BEFORE)}
    assert [e["data"]["remaining"] for e in events if e["type"] == "CreditConsumed"] == list(
        range(LITE - 1, -1, -1)
    )
    status = call(server.base, "GET", f"/orgs/{org}").json()
    assert (status["used"], status["remaining"]) == (LITE, 0)

    # The usage projection may lag the events: poll it for a while when the route exists.
    paths = call(server.base, "GET", "/openapi.json").json()["paths"]
    if "/orgs/{org_id}/usage" in paths:
        deadline = time.monotonic() + 10
        while not _usage_agrees(server, org, status["month"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _usage_agrees(server, org, status["month"])


def test_concurrent_requests_get_their_own_answers(server: LedgerProcess) -> None:
    org = "crowd-org"
    assert call(server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Ultimate"}).status == 200
    consumers = [Consumer(server.base, org, f"crowd{n}") for n in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    for thread in start_threads(consumers, "run", start, 25):
        thread.join(timeout=60)
    assert [e for c in consumers for e in c.mixed_up] == []
    assert Counter(s for c in consumers for s in c.statuses) == {201: CLIENTS * 25}
    events = call(server.base, "GET", f"/orgs/{org}/events?limit=1000").json()["events"]
    consumed = {e["data"]["enquiry_id"] for e in events if e["type"] == "CreditConsumed"}
    assert consumed == {e for c in consumers for e in c.acknowledged}
