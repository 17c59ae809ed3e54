"""Which kind of credit paid for each report: the plan's allowance first, then top-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger import CreditLedger
from ledger.domain.org import Org
from ledger.domain.plans import CATALOGUE
from tests.conftest import FakeClock, LedgerFactory
from tests.unit.support import check_attribution, paid_by, refused, use, utc

PLAN, TOP_UP = "plan", "top_up"


@pytest.mark.usefixtures("many_commands")
def test_after_a_plan_change_the_plan_pays_what_is_left_of_its_allowance(
    ledger: CreditLedger,
) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 1)
    use(ledger, "acme", 21)  # Lite's 20, then the top-up's 1
    ledger.set_plan("acme", "Basic")
    answers = use(ledger, "acme", 80)  # 80 of Basic's 100 are still the plan's
    assert paid_by(ledger, "acme") == [PLAN] * 20 + [TOP_UP] + [PLAN] * 80
    check_attribution(ledger.org_events("acme"))
    # Only the kind changed: the balance is the same sum as before.
    assert answers[-1].remaining == 0
    status = ledger.status("acme")
    assert (status.limit, status.used, status.remaining) == (101, 101, 0)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))


def test_an_upgrade_pays_with_the_plan_before_an_unused_top_up(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 3)
    use(ledger, "acme", 22)  # 20 plan, 2 top-up
    ledger.set_plan("acme", "Basic")
    use(ledger, "acme", 1)
    assert paid_by(ledger, "acme")[-3:] == [TOP_UP, TOP_UP, PLAN]
    assert ledger.status("acme").remaining == 80  # 103 - 23


@pytest.mark.usefixtures("many_commands")
def test_after_a_downgrade_a_top_up_pays(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Enterprise")
    use(ledger, "acme", 300)
    ledger.set_plan("acme", "Basic")  # 300 plan-paid, more than Basic's 100
    ledger.top_up("acme", 225)  # covers the 200 over first: 25 left
    use(ledger, "acme", 25)
    assert paid_by(ledger, "acme")[-26:] == [PLAN] + [TOP_UP] * 25
    check_attribution(ledger.org_events("acme"))
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))


def test_a_downgrade_and_back_in_one_month(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.top_up("acme", 2)
    use(ledger, "acme", 30)
    ledger.set_plan("acme", "Lite")  # 30 used of 22: none left
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    ledger.set_plan("acme", "Basic")
    use(ledger, "acme", 72)  # what is left of Basic's 100, then the 2 top-ups
    assert paid_by(ledger, "acme")[-3:] == [PLAN, TOP_UP, TOP_UP]
    check_attribution(ledger.org_events("acme"))


def test_a_trial_pays_with_its_own_credits_then_its_top_ups(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Trial")
    use(ledger, "acme", 4)
    ledger.top_up("acme", 3)
    use(ledger, "acme", 9)
    assert paid_by(ledger, "acme") == [PLAN] * 10 + [TOP_UP] * 3
    # The trial's own credits stay 10; the top-ups show at the top level.
    status = ledger.status("acme")
    assert status.trial is not None
    assert (status.trial.credits, status.trial.used, status.trial.remaining) == (10, 13, 0)
    assert (status.allowance, status.top_up_credits, status.limit) == (10, 3, 13)


def test_a_paid_plan_after_a_trial_pays_with_the_plan(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Trial")
    ledger.top_up("acme", 1)
    use(ledger, "acme", 11)
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 1)
    assert paid_by(ledger, "acme")[-2:] == [TOP_UP, PLAN]


@pytest.mark.usefixtures("many_commands")
def test_a_new_month_starts_with_no_top_up_paid(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Lite")
    ledger.top_up("acme", 1)
    use(ledger, "acme", 21)
    clock.set(utc(2026, 12, 1))
    ledger.set_plan("acme", "Basic")
    ledger.top_up("acme", 1)
    use(ledger, "acme", 101)
    assert paid_by(ledger, "acme")[21:] == [PLAN] * 100 + [TOP_UP]


@pytest.mark.usefixtures("many_commands")
def test_a_reload_decides_as_the_live_copy(make_shared: LedgerFactory, clock: FakeClock) -> None:
    """Another process, loading from the store's snapshot (every 100 events) and the
    events after it, counts the kinds as recorded and decides the same."""
    first = make_shared(clock)
    first.set_plan("acme", "Lite")
    first.top_up("acme", 1)
    use(first, "acme", 21)
    first.set_plan("acme", "Basic")
    use(first, "acme", 78)  # version 103: a snapshot at 100
    clock.advance(seconds=1)
    other = make_shared(clock)
    use(other, "acme", 2)
    refused(other, "acme", "ORG_LIMIT_REACHED", lambda: use(other, "acme", 1))
    assert paid_by(first, "acme") == [PLAN] * 20 + [TOP_UP] + [PLAN] * 80


def test_recorded_kinds_are_history(clock: FakeClock) -> None:
    """An event keeps the kind it recorded; the counts follow the record, so a new
    decision spends what is left of each kind."""
    now = clock()
    org = Org.open("acme", now)
    org.set_plan(CATALOGUE["Lite"], now)
    org.top_up("t-1", 2, None, now)
    for n in range(19):
        org.consume("u-1", f"e-{n}", now)
    # A report recorded as top-up-paid while plan credits were left (as an older
    # version of the ledger could record after a plan change).
    org.trigger_event(
        Org.CreditConsumed,
        enquiry_id="e-old",
        user_id="u-1",
        paid_by=TOP_UP,
        period="2026-11",
        remaining=1,
        user_remaining=None,
        timestamp=now,
    )
    assert org.standing(now).top_up_used == 1
    org.consume("u-1", "e-next", now)
    org.consume("u-1", "e-last", now)
    assert [e.paid_by for e in org.pending_events[-2:]] == [PLAN, TOP_UP]  # type: ignore[attr-defined]
    standing = org.standing(now)
    assert (standing.used, standing.top_up_used, standing.remaining) == (22, 2, 0)


def test_a_snapshot_from_before_the_count_is_upcast(clock: FakeClock) -> None:
    now = clock()
    org = Org.open("acme", now)
    org.set_plan(CATALOGUE["Lite"], now)
    org.top_up("t-1", 5, None, now)
    for n in range(23):
        org.consume("u-1", f"e-{n}", now)
    snapshot = Org.Snapshot.take(org)
    assert snapshot.state["class_version"] == 2
    old_state = {
        k: v for k, v in snapshot.state.items() if k not in ("class_version", "top_up_used")
    }
    old = Org.Snapshot(
        originator_id=snapshot.originator_id,
        originator_version=snapshot.originator_version,
        timestamp=snapshot.timestamp,
        topic=snapshot.topic,
        state=old_state,
    )
    loaded = old.mutate(None)
    assert isinstance(loaded, Org)
    # Past the plan's 20, as the earlier version recorded it while the plan stayed.
    assert loaded.standing(now + timedelta(seconds=1)).top_up_used == 3
    assert Org.Snapshot.take(org).mutate(None).top_up_used == 3  # type: ignore[attr-defined]
