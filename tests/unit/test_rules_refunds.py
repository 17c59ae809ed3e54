"""Refunds: a charged report that failed gives its credit back, once, in its period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger import CreditLedger, LedgerError
from ledger.domain.org import Org
from tests.conftest import FakeClock
from tests.unit.support import body, consume, history_length, refused, use, utc


def test_a_refund_gives_the_credit_back_to_the_org_and_the_user(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.set_user_limit("acme", 2)
    consume(ledger, "acme", "u-1", "e-1")
    consume(ledger, "acme", "u-1", "e-2")
    refused(ledger, "acme", "USER_LIMIT_REACHED", lambda: use(ledger, "acme", 1, "u-1"))
    clock.advance(minutes=3)
    refund = ledger.refund_credit("acme", "e-1", reason="the report failed")
    assert (refund.org_id, refund.enquiry_id, refund.user_id) == ("acme", "e-1", "u-1")
    assert (refund.refunded_at, refund.remaining, refund.user_remaining) == (clock(), 19, 1)
    assert refund.replayed is False
    status = ledger.status("acme")
    assert (status.used, status.remaining) == (1, 19)
    assert use(ledger, "acme", 1, "u-1")[0].user_remaining == 0  # the user may use it again


def test_a_repeat_answers_as_the_first_time_and_changes_nothing(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Basic")
    consume(ledger, "acme", "u-1", "e-1")
    first = ledger.refund_credit("acme", "e-1")
    length = history_length(ledger, "acme")
    use(ledger, "acme", 3)
    clock.set(utc(2027, 1, 10))  # even once its period is over
    again = ledger.refund_credit("acme", "e-1", reason="asked twice")
    assert again.replayed is True
    assert body(again) == body(first)
    assert history_length(ledger, "acme") == length + 3


def test_an_enquiry_never_charged_here_is_not_found(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.set_plan("umbrella", "Lite")
    consume(ledger, "umbrella", "u-1", "e-1")
    refused(ledger, "acme", "NOT_FOUND", lambda: ledger.refund_credit("acme", "e-1"))
    refused(ledger, "acme", "NOT_FOUND", lambda: ledger.refund_credit("acme", "e-9"))
    ledger.set_user_limit("acme", 0)  # a refused charge is not a charge
    refused(ledger, "acme", "USER_LIMIT_REACHED", lambda: consume(ledger, "acme", "u-1", "e-2"))
    refused(ledger, "acme", "NOT_FOUND", lambda: ledger.refund_credit("acme", "e-2"))
    with pytest.raises(LedgerError) as caught:
        ledger.refund_credit("nobody", "e-1")
    assert caught.value.code == "NOT_FOUND"


def test_a_refunded_enquiry_is_never_charged_again(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    ledger.refund_credit("acme", "e-1")
    refused(ledger, "acme", "ENQUIRY_REFUNDED", lambda: consume(ledger, "acme", "u-1", "e-1"))
    refused(ledger, "acme", "ENQUIRY_CONFLICT", lambda: consume(ledger, "acme", "u-2", "e-1"))
    use(ledger, "acme", 20)
    refused(ledger, "acme", "ENQUIRY_REFUNDED", lambda: consume(ledger, "acme", "u-1", "e-1"))
    assert ledger.status("acme").used == 20


def test_a_refund_after_the_month_is_refused(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    consume(ledger, "acme", "u-1", "e-1")
    clock.set(utc(2026, 12, 1))
    refused(ledger, "acme", "PERIOD_CLOSED", lambda: ledger.refund_credit("acme", "e-1"))
    assert consume(ledger, "acme", "u-1", "e-1").replayed  # still charged, once


def test_a_refund_after_the_trial_is_refused(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Trial")
    consume(ledger, "acme", "u-1", "e-1")
    consume(ledger, "acme", "u-1", "e-2")
    assert ledger.refund_credit("acme", "e-1").remaining == 9
    clock.advance(days=14)
    refused(ledger, "acme", "PERIOD_CLOSED", lambda: ledger.refund_credit("acme", "e-2"))


def test_a_trial_charge_is_closed_once_a_paid_plan_starts(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Trial")
    consume(ledger, "acme", "u-1", "e-1")
    ledger.set_plan("acme", "Basic")  # the same month, but the trial's credits are gone
    consume(ledger, "acme", "u-1", "e-2")
    refused(ledger, "acme", "PERIOD_CLOSED", lambda: ledger.refund_credit("acme", "e-1"))
    assert ledger.refund_credit("acme", "e-2").remaining == 100


def test_a_plan_change_in_the_month_keeps_the_charge_refundable(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    ledger.set_plan("acme", "Basic")
    assert ledger.refund_credit("acme", "e-1").remaining == 100


def test_the_history_records_the_refund_and_the_kind_that_came_back(
    ledger: CreditLedger,
) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 2)
    use(ledger, "acme", 20)
    consume(ledger, "acme", "u-7", "e-top")  # paid by a top-up
    ledger.refund_credit("acme", "e-top", reason="timed out")
    page = ledger.history("acme")
    refunded = page.events[-1]
    assert refunded.type == "CreditRefunded"
    expected = {"enquiry_id": "e-top", "user_id": "u-7", "reason": "timed out"}
    expected["returned"] = "top_up"
    assert {k: refunded.data[k] for k in expected} == expected
    assert (ledger.status("acme").used, ledger.status("acme").remaining) == (20, 2)


def test_bad_input_is_refused_and_changes_nothing(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    consume(ledger, "acme", "u-1", "e-1")
    for command in (
        lambda: ledger.refund_credit("acme", "e-1", reason="x" * 501),
        lambda: ledger.refund_credit("acme", "e 1"),
        lambda: ledger.refund_credit("a/b", "e-1"),
    ):
        refused(ledger, "acme", "VALIDATION_ERROR", command)


class _OldReceipt:
    """A receipt written before refunds: no period, no kind."""

    def __init__(self, consumed_at: datetime) -> None:
        self.enquiry_id, self.user_id, self.consumed_at = "e-1", "u-1", consumed_at
        self.period: str | None = None
        self.paid_by: str | None = None


def test_a_charge_recorded_before_refunds_is_placed_by_its_time() -> None:
    start = datetime(2026, 11, 5, tzinfo=UTC)
    org = Org.open("acme", start)
    org.set_plan(_plan("Trial"), start)
    assert org._charged_in(_OldReceipt(utc(2026, 11, 6))) == "trial"
    org.set_plan(_plan("Basic"), utc(2026, 11, 7))
    assert org._charged_in(_OldReceipt(utc(2026, 11, 25))) == "2026-11"


def _plan(name: str) -> object:
    from ledger.domain.plans import CATALOGUE

    return CATALOGUE[name]
