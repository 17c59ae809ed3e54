"""The trial: once, before any paid plan, 10 credits over 14 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger import CreditLedger
from tests.conftest import FakeClock
from tests.unit.support import history_length, refused, use, utc

FOURTEEN_DAYS = timedelta(days=14)
START = utc(2026, 11, 25, 9, 30, 0)


@pytest.fixture
def on_trial(ledger: CreditLedger, clock: FakeClock) -> CreditLedger:
    clock.set(START)
    ledger.set_plan("acme", "Trial")
    return ledger


def test_a_trial_gives_ten_credits_for_fourteen_days(on_trial: CreditLedger) -> None:
    status = on_trial.status("acme")
    assert status.plan == "Trial"
    assert (status.allowance, status.top_up_credits, status.limit) == (10, 0, 10)
    assert (status.used, status.remaining) == (0, 10)
    assert status.trial is not None
    assert (status.trial.started_at, status.trial.ends_at) == (START, START + FOURTEEN_DAYS)
    assert (status.trial.credits, status.trial.used, status.trial.remaining) == (10, 0, 10)


def test_trial_credits_are_in_total_not_per_month(on_trial: CreditLedger, clock: FakeClock) -> None:
    use(on_trial, "acme", 6)
    clock.set(utc(2026, 12, 1, 0, 0, 0))
    status = on_trial.status("acme")
    assert (status.month, status.used, status.remaining) == ("2026-12", 6, 4)
    use(on_trial, "acme", 4)
    refused(on_trial, "acme", "TRIAL_LIMIT_REACHED", lambda: use(on_trial, "acme", 1))


def test_the_trial_ends_fourteen_days_after_it_starts_to_the_second(
    on_trial: CreditLedger, clock: FakeClock
) -> None:
    use(on_trial, "acme", 3)
    clock.set(START + FOURTEEN_DAYS - timedelta(seconds=1))
    assert use(on_trial, "acme", 1)[0].remaining == 6
    clock.set(START + FOURTEEN_DAYS)
    refused(on_trial, "acme", "TRIAL_EXPIRED", lambda: use(on_trial, "acme", 1))
    status = on_trial.status("acme")
    assert status.trial is not None
    assert (status.used, status.remaining, status.trial.used, status.trial.remaining) == (
        4,
        0,
        4,
        0,
    )


def test_a_used_up_trial_still_runs_until_its_end(on_trial: CreditLedger, clock: FakeClock) -> None:
    use(on_trial, "acme", 10)
    refused(on_trial, "acme", "TRIAL_LIMIT_REACHED", lambda: use(on_trial, "acme", 1))
    clock.set(START + FOURTEEN_DAYS - timedelta(seconds=1))
    refused(on_trial, "acme", "TRIAL_LIMIT_REACHED", lambda: use(on_trial, "acme", 1))
    # Setting Trial while it runs changes nothing, used up or not.
    assert on_trial.set_plan("acme", "Trial").trial == on_trial.status("acme").trial
    clock.set(START + FOURTEEN_DAYS)
    refused(on_trial, "acme", "TRIAL_EXPIRED", lambda: use(on_trial, "acme", 1))


def test_setting_trial_while_it_runs_keeps_its_start_and_usage(
    on_trial: CreditLedger, clock: FakeClock
) -> None:
    use(on_trial, "acme", 2)
    before = history_length(on_trial, "acme")
    clock.set(START + FOURTEEN_DAYS - timedelta(seconds=1))
    status = on_trial.set_plan("acme", "Trial")
    assert status.trial is not None
    assert (status.trial.started_at, status.trial.used, status.remaining) == (START, 2, 8)
    assert history_length(on_trial, "acme") == before


def test_a_trial_cannot_start_again_once_over(on_trial: CreditLedger, clock: FakeClock) -> None:
    clock.set(START + FOURTEEN_DAYS)
    refused(on_trial, "acme", "TRIAL_NOT_AVAILABLE", lambda: on_trial.set_plan("acme", "Trial"))
    status = on_trial.status("acme")
    assert status.trial is not None and status.trial.started_at == START


def test_no_trial_after_a_paid_plan(ledger: CreditLedger, clock: FakeClock) -> None:
    ledger.set_plan("paid", "Basic")
    refused(ledger, "paid", "TRIAL_NOT_AVAILABLE", lambda: ledger.set_plan("paid", "Trial"))
    clock.advance(days=40)
    refused(ledger, "paid", "TRIAL_NOT_AVAILABLE", lambda: ledger.set_plan("paid", "Trial"))
    assert ledger.status("paid").plan == "Basic"


def test_no_second_trial_after_trial_then_paid_plan(on_trial: CreditLedger) -> None:
    on_trial.set_plan("acme", "Basic")
    refused(on_trial, "acme", "TRIAL_NOT_AVAILABLE", lambda: on_trial.set_plan("acme", "Trial"))


def test_a_user_limit_alone_does_not_use_up_the_trial(ledger: CreditLedger) -> None:
    ledger.set_user_limit("acme", 5)
    assert ledger.set_plan("acme", "Trial").remaining == 10


@pytest.mark.parametrize("offset", [timedelta(days=3), FOURTEEN_DAYS + timedelta(days=1)])
def test_trial_usage_does_not_count_against_the_first_paid_month(
    on_trial: CreditLedger, clock: FakeClock, offset: timedelta
) -> None:
    use(on_trial, "acme", 8)
    clock.set(START + offset)
    status = on_trial.set_plan("acme", "Basic")
    assert (status.plan, status.trial) == ("Basic", None)
    assert (status.allowance, status.used, status.remaining) == (100, 0, 100)


def test_the_trial_and_the_paid_month_count_users_apart(on_trial: CreditLedger) -> None:
    on_trial.set_user_limit("acme", 2)
    use(on_trial, "acme", 2, user_id="u-1")
    refused(on_trial, "acme", "USER_LIMIT_REACHED", lambda: use(on_trial, "acme", 1, "u-1"))
    on_trial.set_plan("acme", "Basic")  # same month as the trial's usage
    assert use(on_trial, "acme", 1, user_id="u-1")[0].user_remaining == 1


def test_the_user_limit_counts_over_the_whole_trial(
    on_trial: CreditLedger, clock: FakeClock
) -> None:
    on_trial.set_user_limit("acme", 2)
    use(on_trial, "acme", 2, user_id="u-1")
    clock.set(utc(2026, 12, 1))
    refused(on_trial, "acme", "USER_LIMIT_REACHED", lambda: use(on_trial, "acme", 1, "u-1"))
    assert use(on_trial, "acme", 1, user_id="u-2")[0].remaining == 7
