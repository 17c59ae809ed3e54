"""Where a period's usage is heading: its pace, the forecast, the run-out moment.

A pure function of the balance and a moment, so the alert policy, a replay and a
console reading the projection all see the same outlook.

Days are whole days from the period's start (calendar days for a month). The
pace is the mean of the last `window_days` whole days before today (fewer early
in a period; on its first day, what today has used so far). The forecast is
what is used, plus the pace for the part of today still to come, plus the pace
for each day left. An org that has used nothing on any weekend day seen so far
(four at least) is taken to work weekdays only: weekend days count for nothing,
on both sides. The spread of the daily counts says how far the pace can be
trusted (`margin`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledger.domain.plans import CATALOGUE, Plan
from projections.balance import DAY, Balance
from projections.settings import AlertSettings

TRIM_FROM = 4  # days in the window from which the busiest one is left out
MONTH_DAYS = 30  # a trial's pace "over a month", for the plan it is offered
_DEFAULTS = AlertSettings()


@dataclass(frozen=True)
class Outlook:
    forecast_used: int  # credits the period is on track to use (at most its pace allows)
    pace_per_day: float  # credits a calendar day, on average over the week
    run_out_at: datetime | None  # when the pace uses the last credit; None: not this period
    period_ends_at: datetime
    suggested_plan: str | None  # smallest open plan covering the forecast; None: none does


@dataclass(frozen=True)
class Pace:
    """What the recent days say."""

    per_day: float  # credits per day that counts (a weekday, for a weekday-only org)
    variance: float  # of one such day's count
    evidence: float  # whole days that count in the window (and last month's weight)
    today: int  # the day `at` falls in: whole days of the period gone
    share: float  # of today gone
    weekdays_only: bool


def outlook(balance: Balance, at: datetime, settings: AlertSettings = _DEFAULTS) -> Outlook:
    """The outlook of `balance` at `at` (a moment within or after the period)."""
    return outlook_at_pace(balance, at, recent_pace(balance, at, settings))


def outlook_at_pace(balance: Balance, at: datetime, pace: Pace) -> Outlook:
    """The outlook from a pace already read (the alert policy judges by the same one)."""
    forecast = balance.used + math.floor(still_to_use(balance, pace))
    return Outlook(
        forecast_used=forecast,
        pace_per_day=round(pace.per_day * _active_share(pace.weekdays_only), 3),
        run_out_at=run_out_at(balance, at, pace),
        period_ends_at=balance.ends_at,
        suggested_plan=suggested_plan(balance, forecast, pace),
    )


def whole_days_gone(balance: Balance, at: datetime) -> int:
    """The day `at` falls in: whole days of the period gone (cheap, before any pace)."""
    return _elapsed(balance, at) // DAY


def _elapsed(balance: Balance, at: datetime) -> timedelta:
    """The period's time gone at `at`, within the period."""
    return min(max(at - balance.starts_at, timedelta(0)), balance.ends_at - balance.starts_at)


def recent_pace(balance: Balance, at: datetime, settings: AlertSettings = _DEFAULTS) -> Pace:
    elapsed = _elapsed(balance, at)
    today = elapsed // DAY  # past the last day once the period is over
    weekdays_only = _weekdays_only(balance, today)
    counts = [
        _used_on(balance, d)
        for d in range(max(0, today - settings.window_days), today)
        if _counts(balance, d, weekdays_only)
    ]
    if not counts:  # the period's first day: today is worth at least what it used
        so_far = float(_used_on(balance, today))
        return Pace(so_far, so_far, 0.0, today, (elapsed - today * DAY) / DAY, weekdays_only)
    if len(counts) >= TRIM_FROM:
        counts.remove(max(counts))  # one burst (a batch run, a demo) is not a pace
    per_day = max(0.0, sum(counts) / len(counts))  # refunds may leave a day below zero
    so_far = _used_on(balance, today)
    if so_far > per_day and _counts(balance, today, weekdays_only):
        counts.append(so_far)  # today is worth at least what it has used
        per_day = sum(counts) / len(counts)
    variance = 0.0
    if len(counts) >= 2:
        variance = sum((c - per_day) ** 2 for c in counts) / (len(counts) - 1)
    # Counts are at least as noisy as a Poisson process of the same pace.
    variance = max(variance, per_day)
    evidence = float(len(counts))
    if balance.earlier_pace is not None and settings.earlier_days > 0:
        # Last month's pace counts as that many days more of evidence.
        earlier = balance.earlier_pace / _active_share(weekdays_only)
        weight = settings.earlier_days
        per_day = (per_day * evidence + earlier * weight) / (evidence + weight)
        evidence += weight
    return Pace(per_day, variance, evidence, today, (elapsed - today * DAY) / DAY, weekdays_only)


def still_to_use(balance: Balance, pace: Pace) -> float:
    """Credits the pace adds by the period's end: its share of the rest of today,
    then a day's for every later day that counts."""
    if pace.today >= balance.days:
        return 0.0
    return _rest_of_today(balance, pace) + pace.per_day * _later_days(balance, pace)


def _rest_of_today(balance: Balance, pace: Pace) -> float:
    # Uses come at random moments: a morning's uses do not end the day (taking
    # "the pace less what today has used" missed a small plan's last credits).
    if not _counts(balance, pace.today, pace.weekdays_only):
        return 0.0
    return pace.per_day * (1 - pace.share)


def margin(balance: Balance, pace: Pace, confidence: float) -> float:
    """`confidence` standard deviations of the usage still to come: the day-to-day
    spread, and the pace's own uncertainty carried over the days ahead."""
    ahead = float(_later_days(balance, pace))
    if pace.today < balance.days and _counts(balance, pace.today, pace.weekdays_only):
        ahead += 1 - pace.share
    if ahead <= 0:
        return 0.0
    spread = pace.variance * ahead * (1 + ahead / max(pace.evidence, 1))
    return confidence * math.sqrt(spread)


def run_out_at(balance: Balance, at: datetime, pace: Pace) -> datetime | None:
    """When the pace uses the last credit (today's share spread over the rest of
    today); None when that is not within the period.

    It adds up the days as `still_to_use` does, so a run-out moment within the
    period means a forecast that reaches the limit."""
    remaining = balance.remaining
    if remaining == 0:
        return at
    if pace.today >= balance.days or pace.per_day <= 0:
        return None
    today = _rest_of_today(balance, pace)
    if today >= remaining:
        end_of_today = min(balance.starts_at + (pace.today + 1) * DAY, balance.ends_at)
        return at + (end_of_today - at) * (remaining / today)
    days = 0
    for d in range(pace.today + 1, balance.days):
        if not _counts(balance, d, pace.weekdays_only):
            continue
        days += 1
        if today + pace.per_day * days >= remaining:
            before = today + pace.per_day * (days - 1)
            moment = balance.starts_at + (d + (remaining - before) / pace.per_day) * DAY
            return min(moment, balance.ends_at)  # a trial's last day may be short
    return None


def suggested_plan(balance: Balance, forecast: int, pace: Pace) -> str | None:
    """The smallest open monthly plan whose credits cover the forecast (for a trial:
    its pace over a month)."""
    if CATALOGUE[balance.plan].is_trial:
        forecast = math.ceil(pace.per_day * _active_share(pace.weekdays_only) * MONTH_DAYS)
    fitting = [p for p in CATALOGUE.values() if _open_monthly(p) and p.credits >= forecast]
    return min(fitting, key=lambda p: p.credits).name if fitting else None


def _open_monthly(plan: Plan) -> bool:
    return plan.open_to_new and not plan.is_trial


def _active_share(weekdays_only: bool) -> float:
    return 5 / 7 if weekdays_only else 1.0


def _later_days(balance: Balance, pace: Pace) -> int:
    days = range(pace.today + 1, balance.days)
    return sum(1 for d in days if _counts(balance, d, pace.weekdays_only))


def _used_on(balance: Balance, day: int) -> int:
    return balance.daily[day] if day < len(balance.daily) else 0


def _weekdays_only(balance: Balance, today: int) -> bool:
    """No use on any weekend day seen (four at least), and some on weekdays."""
    weekend = weekday = 0
    for d in range(min(today, len(balance.daily))):
        if not _counts(balance, d, True):
            if balance.daily[d]:
                return False
            weekend += 1
        else:
            weekday += balance.daily[d]
    weekend += sum(1 for d in range(len(balance.daily), today) if not _counts(balance, d, True))
    return weekend >= 4 and weekday > 0


def _counts(balance: Balance, day: int, weekdays_only: bool) -> bool:
    """Whether the day counts: every day does, unless the org works weekdays only."""
    return not weekdays_only or (balance.starts_at + day * DAY).weekday() < 5
