"""The outlook of a period: pace, forecast, run-out moment and the plan to suggest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from projections.balance import Balance
from projections.forecast import Outlook, outlook

NOV = datetime(2026, 11, 1, tzinfo=UTC)  # a Sunday
DEC = datetime(2026, 12, 1, tzinfo=UTC)


def month(plan: str, daily: list[int], allowance: int, top_ups: int = 0) -> Balance:
    return Balance(
        period="2026-11",
        plan=plan,
        allowance=allowance,
        starts_at=NOV,
        ends_at=DEC,
        version=len(daily) + 2,
        top_up_credits=top_ups,
        used=sum(daily),
        daily=tuple(daily),
    )


def test_a_steady_org_under_its_limit() -> None:
    at = NOV + timedelta(days=10)  # midnight: ten whole days seen
    seen = outlook(month("Basic", [3] * 10, 100), at)
    assert seen == Outlook(
        forecast_used=90,  # 30 used + 3 a day for 20 days
        pace_per_day=3.0,
        run_out_at=None,
        period_ends_at=DEC,
        suggested_plan="Basic",
    )


def test_a_steady_org_over_its_limit_runs_out_before_the_month_ends() -> None:
    at = NOV + timedelta(days=10)
    seen = outlook(month("Basic", [4] * 10, 100), at)
    assert (seen.forecast_used, seen.pace_per_day) == (120, 4.0)
    assert seen.run_out_at == at + timedelta(days=15)  # 60 left at 4 a day
    assert seen.suggested_plan == "Enterprise"


def test_the_pace_is_the_recent_window_not_the_whole_month() -> None:
    at = NOV + timedelta(days=20)
    slowed = [10] * 6 + [2] * 14  # 14-day window: only the slower days
    seen = outlook(month("Basic", slowed, 100), at)
    assert seen.pace_per_day == 2.0
    assert seen.forecast_used == 88 + 20


def test_todays_uses_count_over_the_part_of_today_gone() -> None:
    at = NOV + timedelta(days=2, hours=12)
    seen = outlook(month("Basic", [2, 2, 1], 100), at)
    assert seen.pace_per_day == 2.0  # 5 credits over 2.5 days
    assert seen.forecast_used == 5 + 55  # 27.5 days to go


def test_a_weekday_team_is_forecast_on_the_weekdays_left() -> None:
    # November 2026 starts on a Sunday: days 0, 6, 7, 13, 14 are weekend days.
    daily = [0, 5, 5, 5, 5, 5, 0, 0, 5, 5, 5, 5, 5, 0, 0]
    at = NOV + timedelta(days=15)  # Monday 16 November, midnight
    seen = outlook(month("Basic", daily, 100), at)
    assert seen.pace_per_day == round(5 * 5 / 7, 3)  # an average calendar day
    assert seen.forecast_used == 50 + 5 * 11  # 11 weekdays from the 16th to the 30th
    # 50 left at 5 a weekday: ten weekdays, the last of them Friday 27 November.
    assert seen.run_out_at == datetime(2026, 11, 28, tzinfo=UTC)


def test_one_weekend_seen_is_not_yet_a_weekday_team() -> None:
    daily = [0, 5, 5, 5, 5, 5, 0]  # Sunday to Saturday: only one weekend seen in full
    seen = outlook(month("Basic", daily, 100), NOV + timedelta(days=7))
    assert seen.pace_per_day == round(20 / 6, 3)  # every day counts; the busiest left out


def test_one_burst_is_not_a_pace() -> None:
    at = NOV + timedelta(days=6)
    seen = outlook(month("Basic", [40, 2, 2, 2, 2, 2], 100), at)
    assert seen.pace_per_day == 2.0
    assert seen.forecast_used == 50 + 2 * 24


def test_last_months_pace_counts_as_a_week_of_evidence() -> None:
    at = NOV + timedelta(days=7)
    balance = replace(month("Basic", [2] * 7, 100), earlier_pace=4.0)
    pace = (2 * 6 + 4 * 7) / 13  # this month's busiest day left out
    assert outlook(balance, at).pace_per_day == round(pace, 3)


def test_no_use_yet() -> None:
    seen = outlook(month("Lite", [], 20), NOV + timedelta(hours=5))
    assert (seen.forecast_used, seen.pace_per_day, seen.run_out_at) == (0, 0.0, None)
    assert seen.suggested_plan == "Lite"


def test_a_used_up_period_ran_out_and_top_ups_count_in_the_limit() -> None:
    at = NOV + timedelta(days=5, hours=3)
    assert outlook(month("Lite", [4] * 5 + [5], 20, top_ups=5), at).run_out_at == at


def test_no_plan_covers_a_forecast_above_the_largest() -> None:
    at = NOV + timedelta(days=10)
    assert outlook(month("Ultimate", [60] * 10, 1000), at).suggested_plan is None


def test_a_trial_is_offered_the_plan_covering_its_pace_over_a_month() -> None:
    start = datetime(2026, 11, 3, 15, 30, tzinfo=UTC)
    trial = Balance(
        period="trial",
        plan="Trial",
        allowance=10,
        starts_at=start,
        ends_at=start + timedelta(days=14),
        version=6,
        used=4,
        daily=(1, 1, 1, 1),
    )
    seen = outlook(trial, start + timedelta(days=4))
    assert seen.pace_per_day == 1.0
    assert seen.forecast_used == 4 + 10
    assert seen.run_out_at == start + timedelta(days=10)
    assert seen.suggested_plan == "Basic"  # 30 a month


def test_after_the_period_the_forecast_is_what_was_used() -> None:
    seen = outlook(month("Basic", [3] * 30, 100), DEC + timedelta(days=3))
    assert (seen.forecast_used, seen.run_out_at, seen.period_ends_at) == (90, None, DEC)


def test_the_rest_of_today_is_the_paces_share_of_it() -> None:
    # A credit a day; today's came at dawn: the day is not over, a quarter is gone.
    at = NOV + timedelta(days=18, hours=6)
    seen = outlook(month("Lite", [1] * 19, 20), at)
    assert seen.pace_per_day == 1.0
    assert seen.forecast_used == 19 + 11  # 0.75 more today, then 11 days
    assert seen.run_out_at == NOV + timedelta(days=19, hours=6)  # the last: tomorrow morning
