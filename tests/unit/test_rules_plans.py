"""Plans: the catalogue, idempotent changes, mid-month changes, no rollover, closing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ledger import CreditLedger
from ledger.domain.plans import CATALOGUE, Period
from tests.conftest import FakeClock
from tests.unit.support import history_length, refused, use, utc

MONTHLY = [("Ultimate", 1000), ("Enterprise", 500), ("Basic", 100), ("Lite", 20)]


def test_the_catalogue_is_the_table_of_the_rules() -> None:
    assert {name: plan.credits for name, plan in CATALOGUE.items()} == {
        **dict(MONTHLY),
        "Trial": 10,
    }
    assert all(CATALOGUE[name].period is Period.MONTH for name, _ in MONTHLY)
    assert CATALOGUE["Trial"].period is Period.TRIAL
    assert CATALOGUE["Trial"].duration == timedelta(days=14)
    assert all(plan.open_to_new for plan in CATALOGUE.values())


@pytest.mark.parametrize(("plan", "credits"), MONTHLY)
def test_a_paid_plan_gives_its_monthly_credits(
    ledger: CreditLedger, plan: str, credits: int
) -> None:
    status = ledger.set_plan("acme", plan)
    assert (status.plan, status.month, status.trial) == (plan, "2026-11", None)
    assert (status.allowance, status.top_up_credits, status.limit) == (credits, 0, credits)
    assert (status.used, status.remaining) == (0, credits)
    assert ledger.status("acme") == status


def test_setting_the_same_plan_changes_nothing(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    use(ledger, "acme", 7)
    before = history_length(ledger, "acme")
    clock.advance(days=3)
    status = ledger.set_plan("acme", "Basic")
    assert (status.used, status.remaining) == (7, 93)
    assert history_length(ledger, "acme") == before


@pytest.mark.usefixtures("many_commands")
def test_upgrade_mid_month_keeps_what_was_used(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    use(ledger, "acme", 90)
    clock.advance(days=10)
    status = ledger.set_plan("acme", "Enterprise")
    assert (status.allowance, status.limit, status.used, status.remaining) == (500, 500, 90, 410)


@pytest.mark.usefixtures("many_commands")
def test_downgrade_mid_month_leaves_nothing_and_never_negative(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Enterprise")
    use(ledger, "acme", 300)
    clock.advance(hours=1)
    status = ledger.set_plan("acme", "Basic")
    assert (status.allowance, status.limit, status.used, status.remaining) == (100, 100, 300, 0)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    # Moving back up the same month: the 300 used still count.
    assert ledger.set_plan("acme", "Enterprise").remaining == 200


def test_a_plan_change_applies_to_the_whole_month_at_once(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    # Upgraded in the last second of the month: the month's full allowance applies.
    assert ledger.set_plan("acme", "Basic").remaining == 80


def test_unused_credits_do_not_roll_over(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("acme", "Basic")
    use(ledger, "acme", 10)
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    assert (ledger.status("acme").month, ledger.status("acme").remaining) == ("2026-11", 90)
    clock.set(utc(2026, 12, 1, 0, 0, 0))
    status = ledger.status("acme")
    assert (status.month, status.used, status.remaining, status.limit) == ("2026-12", 0, 100, 100)


def test_a_used_up_month_renews_at_midnight_to_the_second(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    clock.set(utc(2026, 11, 30, 23, 59, 59))
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    clock.set(utc(2026, 12, 1, 0, 0, 0))
    assert use(ledger, "acme", 1)[0].remaining == 19
    status = ledger.status("acme")
    assert (status.month, status.used, status.remaining) == ("2026-12", 1, 19)


def test_the_year_turns_like_any_month(ledger: CreditLedger, clock: FakeClock) -> None:
    clock.set(utc(2026, 12, 31, 23, 59, 59))
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    refused(ledger, "acme", "ORG_LIMIT_REACHED", lambda: use(ledger, "acme", 1))
    clock.advance(seconds=1)
    status = ledger.status("acme")
    assert (status.month, status.used, status.remaining) == ("2027-01", 0, 20)


def test_a_plan_set_last_month_gives_this_months_full_allowance(
    ledger: CreditLedger, clock: FakeClock
) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 20)
    clock.set(utc(2026, 12, 15))
    status = ledger.set_plan("acme", "Enterprise")
    assert (status.month, status.used, status.remaining) == ("2026-12", 0, 500)


@pytest.fixture
def lite_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-line change of the catalogue: Lite closed to new subscribers."""
    monkeypatch.setitem(CATALOGUE, "Lite", replace(CATALOGUE["Lite"], open_to_new=False))


def test_lite_is_open_by_default(ledger: CreditLedger) -> None:
    assert ledger.set_plan("acme", "Lite").allowance == 20


def test_a_closed_plan_is_kept_by_orgs_already_on_it(
    ledger: CreditLedger, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.set_plan("acme", "Lite")
    use(ledger, "acme", 5)
    monkeypatch.setitem(CATALOGUE, "Lite", replace(CATALOGUE["Lite"], open_to_new=False))
    assert ledger.set_plan("acme", "Lite").remaining == 15
    assert use(ledger, "acme", 1)[0].remaining == 14
    clock.set(utc(2026, 12, 1))
    assert ledger.status("acme").plan == "Lite"
    assert use(ledger, "acme", 1)[0].remaining == 19


@pytest.mark.usefixtures("lite_closed")
def test_a_closed_plan_refuses_new_subscribers(ledger: CreditLedger) -> None:
    refused(ledger, "new", "PLAN_CLOSED", lambda: ledger.set_plan("new", "Lite"))
    ledger.set_plan("basic", "Basic")
    refused(ledger, "basic", "PLAN_CLOSED", lambda: ledger.set_plan("basic", "Lite"))
    ledger.set_plan("trial", "Trial")
    refused(ledger, "trial", "PLAN_CLOSED", lambda: ledger.set_plan("trial", "Lite"))
    assert ledger.status("basic").plan == "Basic"
    assert ledger.status("trial").plan == "Trial"


def test_a_closed_trial_refuses_new_trials(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.set_plan("running", "Trial")
    monkeypatch.setitem(CATALOGUE, "Trial", replace(CATALOGUE["Trial"], open_to_new=False))
    refused(ledger, "new", "PLAN_CLOSED", lambda: ledger.set_plan("new", "Trial"))
    assert ledger.set_plan("running", "Trial").plan == "Trial"  # kept while it runs


def test_an_org_that_leaves_a_closed_plan_cannot_come_back(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.set_plan("acme", "Lite")
    monkeypatch.setitem(CATALOGUE, "Lite", replace(CATALOGUE["Lite"], open_to_new=False))
    ledger.set_plan("acme", "Basic")
    refused(ledger, "acme", "PLAN_CLOSED", lambda: ledger.set_plan("acme", "Lite"))
    assert ledger.status("acme").plan == "Basic"
