"""Many clients, one org, N credits left: exactly N are granted, none twice."""

from __future__ import annotations

import multiprocessing
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from tests.http.client import LedgerProcess, call

CREDITS = 20  # a Lite plan


def _prepare(server: LedgerProcess) -> str:
    org = f"busy-{uuid.uuid4().hex[:8]}"
    assert call(server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Lite"}).status == 200
    return org


def _consume(args: tuple[str, str, str]) -> int:
    base, org, enquiry = args
    body = {"enquiry_id": enquiry, "user_id": f"u-{enquiry[-1]}"}
    return call(base, "POST", f"/orgs/{org}/enquiries", body).status


def _consume_batch(args: tuple[str, str, list[str]]) -> list[int]:
    base, org, enquiries = args
    return [_consume((base, org, enquiry)) for enquiry in enquiries]


def _check_history(server: LedgerProcess, org: str) -> None:
    events = call(server.base, "GET", f"/orgs/{org}/events?limit=1000").json()["events"]
    consumed = [e["data"]["enquiry_id"] for e in events if e["type"] == "CreditConsumed"]
    assert len(consumed) == CREDITS
    assert len(set(consumed)) == CREDITS
    status = call(server.base, "GET", f"/orgs/{org}").json()
    assert (status["used"], status["remaining"]) == (CREDITS, 0)


def test_eight_threads_get_exactly_n(server: LedgerProcess) -> None:
    org = _prepare(server)
    jobs = [(server.base, org, f"t-{i}") for i in range(3 * CREDITS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(_consume, jobs))
    assert statuses == {201: CREDITS, 402: 2 * CREDITS}
    _check_history(server, org)


def test_four_processes_get_exactly_n(server: LedgerProcess) -> None:
    org = _prepare(server)
    enquiries = [f"p-{i}" for i in range(3 * CREDITS)]
    batches = [(server.base, org, enquiries[i::4]) for i in range(4)]
    # Spawned, not forked: this process runs threads, and a fork copies their locks.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=spawn) as pool:
        statuses = Counter(s for batch in pool.map(_consume_batch, batches) for s in batch)
    assert statuses == {201: CREDITS, 402: 2 * CREDITS}
    _check_history(server, org)


def test_retries_of_the_same_enquiries_charge_once(server: LedgerProcess) -> None:
    org = _prepare(server)
    jobs = [(server.base, org, f"r-{i % CREDITS}") for i in range(4 * CREDITS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(_consume, jobs))
    assert statuses == {201: CREDITS, 200: 3 * CREDITS}
    _check_history(server, org)
