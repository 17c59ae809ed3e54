"""The usage of a month, read from projected balances."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.usage import Usage, usage_for
from tests.conftest import FakeClock
from tests.projection_support import rebuild


def usage(ledger: CreditLedger, month: str, now: datetime) -> Usage:
    store = rebuild(ledger, ["acme"])
    return usage_for("acme", store.balances(str(org_uuid("acme"))), month, now)


def test_usage_by_month_through_trial_plans_and_quiet_months(clock: FakeClock) -> None:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    clock.set(datetime(2026, 9, 25, tzinfo=UTC))
    ledger.set_plan("acme", "Trial")
    ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    ledger.top_up("acme", 5)
    clock.set(datetime(2026, 10, 20, tzinfo=UTC))
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u-2", enquiry_id="e-2")
    ledger.top_up("acme", 25)
    ledger.set_plan("acme", "Lite")
    clock.set(datetime(2027, 1, 3, tzinfo=UTC))
    ledger.consume_credit("acme", user_id="u-2", enquiry_id="e-3")
    now = clock()

    assert usage(ledger, "2026-08", now) == Usage("acme", "2026-08", None)
    assert usage(ledger, "2026-09", now) == Usage(  # the trial, over by now
        "acme", "2026-09", "Trial", limit=15, used=1, remaining=0, top_up_credits=5,
        by_user={"u-1": 1},
    )  # fmt: skip
    assert usage(ledger, "2026-10", now) == Usage(  # as it stood at the month's end
        "acme", "2026-10", "Lite", limit=45, used=1, remaining=44, top_up_credits=25,
        by_user={"u-2": 1},
    )  # fmt: skip
    assert usage(ledger, "2026-12", now) == Usage(  # no events: Lite's fresh allowance
        "acme", "2026-12", "Lite", limit=20, used=0, remaining=20
    )
    assert usage(ledger, "2027-01", now) == Usage(
        "acme", "2027-01", "Lite", limit=20, used=1, remaining=19, by_user={"u-2": 1}
    )
    status = ledger.status("acme")
    assert (status.limit, status.used, status.remaining) == (20, 1, 19)


def test_a_refund_comes_off_the_month_and_its_user(clock: FakeClock) -> None:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Lite")
    for n, user in enumerate(["u-1", "u-1", "u-2"]):
        ledger.consume_credit("acme", user_id=user, enquiry_id=f"e-{n}")
    ledger.refund_credit("acme", "e-0")
    ledger.refund_credit("acme", "e-2")
    assert usage(ledger, "2026-11", clock()) == Usage(
        "acme", "2026-11", "Lite", limit=20, used=1, remaining=19, top_up_credits=0,
        by_user={"u-1": 1},
    )  # fmt: skip
