"""Many ledgers (as many processes would be) racing on one org, over HTTP to a moto server."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger import CreditLedger, LedgerError
from ledger.domain.errors import Busy
from tests.conftest import FakeClock
from tests.dynamodb_server import SerialMotoServer
from tests.dynamodb_support import create_events_table, dynamodb_env

pytestmark = pytest.mark.slow
WRITERS = 8
R = TypeVar("R")


@pytest.fixture(scope="module")
def server() -> Iterator[SerialMotoServer]:
    fake = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    saved = {key: os.environ.get(key) for key in fake}
    os.environ.update(fake)
    server = SerialMotoServer(serial=os.environ.get("MOTO_SERVER_SERIAL", "1") == "1")
    server.start()
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def env(server: SerialMotoServer) -> dict[str, str]:
    return dynamodb_env(create_events_table(server.endpoint_url), server.endpoint_url)


@pytest.fixture
def ledgers(env: dict[str, str], clock: FakeClock) -> Iterator[list[CreditLedger]]:
    made = [CreditLedger(env=env, clock=clock) for _ in range(WRITERS)]
    yield made
    for ledger in made:
        ledger.close()


def until_answered(call: Callable[[], R]) -> R:
    """Repeats a request that got Busy (503), as a client honouring Retry-After would."""
    while True:
        try:
            return call()
        except Busy:
            continue


def run_all(calls: list[Callable[[], Any]]) -> list[Any]:
    """Runs the calls on WRITERS threads, started together; returns answers or errors."""
    start = threading.Barrier(WRITERS)

    def work(worker: int) -> list[Any]:
        start.wait()
        answers: list[Any] = []
        for call in calls[worker::WRITERS]:
            try:
                answers.append(until_answered(call))
            except LedgerError as error:
                answers.append(error)
        return answers

    with ThreadPoolExecutor(WRITERS) as pool:
        return [a for part in pool.map(work, range(WRITERS)) for a in part]


def consumed(ledger: CreditLedger, org_id: str) -> list[Any]:
    return [e for e in ledger.org_events(org_id) if type(e).__name__ == "CreditConsumed"]


def test_n_credits_are_granted_exactly_n_times(ledgers: list[CreditLedger]) -> None:
    ledgers[0].set_plan("acme", "Lite")
    credits = ledgers[0].status("acme").remaining
    requests = [
        lambda i=i: ledgers[i % WRITERS].consume_credit("acme", user_id="u", enquiry_id=f"e-{i}")
        for i in range(3 * credits)
    ]
    answers = run_all(requests)

    granted = [a for a in answers if not isinstance(a, LedgerError)]
    refused = Counter(a.code for a in answers if isinstance(a, LedgerError))
    assert len(granted) == credits
    assert refused == {"ORG_LIMIT_REACHED": 2 * credits}
    history = consumed(ledgers[0], "acme")
    assert len(history) == credits
    assert len({e.enquiry_id for e in history}) == credits
    assert sorted(a.remaining for a in granted) == list(range(credits))


def test_two_writers_of_one_version_one_wins_the_other_retries(
    ledgers: list[CreditLedger],
) -> None:
    first, second = ledgers[:2]
    first.set_plan("acme", "Basic")
    first.consume_credit("acme", user_id="u", enquiry_id="warm-1")
    second.consume_credit("acme", user_id="u", enquiry_id="warm-2")  # both now warm
    used_before = first.status("acme").used

    first.consume_credit("acme", user_id="u", enquiry_id="e-first")  # second's copy is stale
    answer = second.consume_credit("acme", user_id="u", enquiry_id="e-second")

    assert answer.remaining == 100 - used_before - 2
    enquiries = [e.enquiry_id for e in consumed(first, "acme")]
    assert enquiries == ["warm-1", "warm-2", "e-first", "e-second"]


def test_the_store_lets_one_of_two_racing_writes_of_a_version_win(env: dict[str, str]) -> None:
    recorders = [CreditLedger(env=env).recorder for _ in range(2)]
    oid = uuid4()
    start = threading.Barrier(2)

    def write(n: int) -> str:
        event = StoredEvent(oid, 1, "t", f"writer {n}".encode())
        start.wait()
        try:
            recorders[n].insert_events([event, StoredEvent(oid, 2, "t", b"")])
        except IntegrityError:
            return "lost"
        return "won"

    for _ in range(10):
        oid = uuid4()
        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(write, range(2)))
        assert outcomes == ["lost", "won"]
        assert len(recorders[0].select_events(oid)) == 2


def test_a_repeated_enquiry_is_charged_once_under_concurrency(
    ledgers: list[CreditLedger],
) -> None:
    ledgers[0].set_plan("acme", "Basic")
    requests = [
        lambda i=i: ledgers[i % WRITERS].consume_credit("acme", user_id="u", enquiry_id="same")
        for i in range(2 * WRITERS)
    ]
    answers = run_all(requests)

    assert len(consumed(ledgers[0], "acme")) == 1
    assert sum(not a.replayed for a in answers) == 1
    assert {(a.consumed_at, a.remaining) for a in answers} == {(answers[0].consumed_at, 99)}


def test_a_repeated_top_up_is_granted_once_under_concurrency(
    ledgers: list[CreditLedger],
) -> None:
    ledgers[0].set_plan("acme", "Basic")
    requests = [
        lambda i=i: ledgers[i % WRITERS].top_up("acme", 25, top_up_id="t-1")
        for i in range(2 * WRITERS)
    ]
    answers = run_all(requests)

    granted = [e for e in ledgers[0].org_events("acme") if type(e).__name__ == "TopUpGranted"]
    assert len(granted) == 1
    assert sum(not a.replayed for a in answers) == 1
    assert {(a.limit, a.remaining) for a in answers} == {(125, 125)}
    assert ledgers[0].status("acme").limit == 125
