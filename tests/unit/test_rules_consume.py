"""Using a credit: who may, what it costs, why it is refused, who paid."""

from __future__ import annotations

from datetime import timedelta

from ledger import CreditLedger
from tests.conftest import FakeClock
from tests.unit.support import body, consume, paid_by, refused, use, utc


def test_a_report_costs_one_credit_of_the_org(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    answer = consume(ledger, "acme", "u-1", "e-1")
    assert body(answer) == {
        "org_id": "acme",
        "user_id": "u-1",
        "enquiry_id": "e-1",
        "consumed_at": clock(),
        "remaining": 99,
        "user_remaining": None,
    }
    status = ledger.status("acme")
    assert (status.used, status.remaining) == (1, 99)


def test_an_allowance_grants_exactly_its_credits(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    answers = use(ledger, "acme", 20)
    assert [a.remaining for a in answers] == list(range(19, -1, -1))
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    status = ledger.status("acme")
    assert (status.used, status.remaining) == (20, 0)


def test_no_plan_is_refused_first(ledger: CreditLedger) -> None:
    refused(ledger, "nobody", "NO_PLAN", lambda: use(ledger, "nobody", 1))
    ledger.set_user_limit("acme", 0)
    refused(ledger, "acme", "NO_PLAN", lambda: use(ledger, "acme", 1))


def test_an_expired_trial_comes_before_its_used_up_credits(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Trial")
    use(ledger, "acme", 10)
    ledger.set_user_limit("acme", 0)
    refused(ledger, "acme", "TRIAL_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    clock.advance(days=14)
    refused(ledger, "acme", "TRIAL_EXPIRED", lambda: use(ledger, "acme", 1))


def test_the_org_limit_comes_before_the_user_limit(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    ledger.set_user_limit("acme", 0)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))


def test_the_user_limit_is_checked_last(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.set_user_limit("acme", 0)
    refused(ledger, "acme", "USER_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    assert ledger.status("acme").remaining == 20


def test_refusals_change_no_balance(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.set_user_limit("acme", 1)
    use(ledger, "acme", 1, user_id="u-1")
    before = ledger.status("acme")
    for _ in range(3):
        refused(ledger, "acme", "USER_LIMIT_REACHED", lambda: use(ledger, "acme", 1, "u-1"))
    assert ledger.status("acme") == before
    assert use(ledger, "acme", 1, user_id="u-2")[0].remaining == 18


def test_plan_credits_pay_before_top_up_credits(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 3)
    ledger.top_up("acme", 5)
    use(ledger, "acme", 19)
    assert paid_by(ledger, "acme") == ["plan"] * 20 + ["top_up"] * 2
    history = ledger.history("acme", limit=1000)
    recorded = [e.data["paid_by"] for e in history.events if e.type == "CreditConsumed"]
    assert recorded == paid_by(ledger, "acme")
    assert ledger.status("acme").remaining == 3


def test_the_trial_pays_before_its_top_ups(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Trial")
    ledger.top_up("acme", 2)
    use(ledger, "acme", 12)
    assert paid_by(ledger, "acme") == ["plan"] * 10 + ["top_up"] * 2
    refused(ledger, "acme", "TRIAL_LIMIT_REACHED", lambda: use(ledger, "acme", 1))


def test_a_new_month_is_paid_by_the_plan_again(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 1)
    use(ledger, "acme", 21)
    clock.set(utc(2026, 12, 1))
    use(ledger, "acme", 1)
    assert paid_by(ledger, "acme")[-2:] == ["top_up", "plan"]


def test_consumed_at_is_the_clock_and_the_history_keeps_it(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Basic")
    clock.advance(seconds=1)
    moment = clock.advance(microseconds=250)
    answer = consume(ledger, "acme", "u-9", "e-9")
    assert answer.consumed_at == moment
    last = ledger.history("acme").events[-1]
    assert (last.type, last.occurred_at) == ("CreditConsumed", moment)
    assert (last.data["enquiry_id"], last.data["user_id"]) == ("e-9", "u-9")
    assert last.occurred_at - ledger.history("acme").events[0].occurred_at == timedelta(
        seconds=1, microseconds=250
    )
