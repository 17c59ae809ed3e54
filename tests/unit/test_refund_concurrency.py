"""Refunds and re-charges of one enquiry at once: exactly one refund, never a second charge."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial

from ledger import CreditLedger, LedgerError
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import consume, use
from tests.unit.test_ledger_concurrency import consume_patiently, run_threads


def refund_patiently(ledger: CreditLedger, enquiry_id: str) -> str:
    """One refund as a client sends it: retried (a bounded number of times) on BUSY."""
    for _ in range(100):
        try:
            answer = ledger.refund_credit("acme", enquiry_id, reason="failed")
        except LedgerError as error:
            if error.code != "BUSY":
                return error.code
        else:
            return "refund replayed" if answer.replayed else "refunded"
    return "BUSY"


def _mixed(ledgers: list[CreditLedger], enquiry_id: str) -> list[Callable[[], str]]:
    work: list[Callable[[], str]] = []
    for n in range(24):
        at = ledgers[n % len(ledgers)]
        if n % 2:
            work.append(partial(refund_patiently, at, enquiry_id))
        else:
            work.append(partial(consume_patiently, at, "u-1", enquiry_id))
    return work


def _check(ledger: CreditLedger, outcomes: Counter[str], used_before: int) -> None:
    assert outcomes["refunded"] == 1, outcomes
    assert outcomes["charged"] == 0, outcomes  # it was charged before: never again
    assert set(outcomes) <= {"refunded", "refund replayed", "replayed", "ENQUIRY_REFUNDED"}
    assert ledger.status("acme").used == used_before - 1
    kinds = Counter(event.type for event in ledger.history("acme", limit=1000).events)
    assert (kinds["CreditRefunded"], kinds["CreditConsumed"]) == (1, used_before)


def test_threads_refund_once_and_never_charge_again(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    use(ledger, "acme", 4)
    _check(ledger, run_threads(_mixed([ledger], "e-1")), used_before=5)


def test_two_instances_refund_once_and_never_charge_again(
    make_shared: LedgerFactory, clock: FakeClock, ledger: CreditLedger
) -> None:
    other = make_shared(clock)
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    other.status("acme")  # each has a warm copy
    _check(ledger, run_threads(_mixed([ledger, other], "e-1")), used_before=1)
    assert other.status("acme").used == 0
