"""Many writers on one org: exactly the credits left are granted, never more."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial

import pytest

from ledger import Consumption, CreditLedger, LedgerError
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import paid_by, use

THREADS = 8


def consume_patiently(ledger: CreditLedger, user_id: str, enquiry_id: str) -> str:
    """One request as a client sends it: retried (a bounded number of times) on BUSY."""
    for _ in range(100):
        try:
            answer: Consumption = ledger.consume_credit(
                "acme", user_id=user_id, enquiry_id=enquiry_id
            )
        except LedgerError as error:
            if error.code != "BUSY":
                return error.code
        else:
            return "replayed" if answer.replayed else "charged"
    return "BUSY"


def run_threads(work: Sequence[Callable[[], str]]) -> Counter[str]:
    """Runs the work on THREADS threads that start together; counts the outcomes."""
    outcomes: Counter[str] = Counter()
    lock, gate = threading.Lock(), threading.Barrier(THREADS)
    queue = iter(work)

    def worker() -> None:
        gate.wait()
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            outcome = job()
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_threads_on_one_ledger_grant_exactly_what_is_left(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 5)
    work = [partial(consume_patiently, ledger, f"u-{n % 3}", f"e-{n}") for n in range(60)]
    assert run_threads(work) == Counter(charged=15, ORG_LIMIT_REACHED=45)
    status = ledger.status("acme")
    assert (status.used, status.remaining) == (20, 0)


def test_two_instances_on_one_store_grant_exactly_what_is_left(
    make_shared: LedgerFactory, clock: FakeClock, ledger: CreditLedger
) -> None:
    other = make_shared(clock)
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 10)
    use(ledger, "acme", 10)
    other.status("acme")
    # Each of 40 enquiries is sent twice, once through each instance (a client retry).
    pairs = itertools.product(range(40), (ledger, other))
    work = [partial(consume_patiently, at, "u-1", f"e-{n}") for n, at in pairs]
    outcomes = run_threads(work)
    assert outcomes["charged"] == 20
    assert outcomes["charged"] + outcomes["replayed"] + outcomes["ORG_LIMIT_REACHED"] == 80
    for view in (ledger, other, make_shared(clock)):
        status = view.status("acme")
        assert (status.used, status.remaining) == (30, 0)
    assert Counter(paid_by(ledger, "acme")) == Counter(plan=20, top_up=10)


@pytest.fixture
def two_views(make_shared: LedgerFactory, clock: FakeClock) -> list[CreditLedger]:
    """Two instances on one store, each with a warm copy of the org."""
    first, second = make_shared(clock), make_shared(clock)
    first.set_user_limit("acme", 5)
    second.set_user_limit("acme", 5)
    return [first, second]


def test_a_refusal_sees_what_another_instance_wrote(two_views: list[CreditLedger]) -> None:
    first, second = two_views
    first.set_plan("acme", "Lite")  # second's warm copy still has no plan
    assert second.top_up("acme", 5).limit == 25
    for user in ("u-1", "u-2", "u-3", "u-4", "u-5"):
        use(second, "acme", 5, user)
    first.top_up("acme", 1)  # second's warm copy is at its limit
    assert use(second, "acme", 1, "u-6")[0].remaining == 0


def test_a_no_op_sees_what_another_instance_wrote(two_views: list[CreditLedger]) -> None:
    first, second = two_views
    second.set_plan("acme", "Basic")
    first.set_plan("acme", "Enterprise")
    assert second.set_plan("acme", "Basic").plan == "Basic"
    first.set_user_limit("acme", 3)
    assert second.set_user_limit("acme", 5).user_limit == 5
    assert first.status("acme").plan == "Basic"
    assert first.status("acme").user_limit == 5
