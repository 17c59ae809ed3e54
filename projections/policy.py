"""The alert policy: which alerts an event raises, judged after the event.

LimitReached: the period's remaining credits go from some to none, once per
limit. NearLimit (`forecast`): once per period, never with or after a
LimitReached in the same period, when the outlook's pace uses the last credit
within the runway, or when, with enough evidence, the forecast less its margin
of doubt reaches the limit. Only events raise alerts. See docs/PROJECTIONS.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.domain.periods import TRIAL_PERIOD
from projections.alerts import LIMIT_REACHED, NEAR_LIMIT, Alert, Kind, Rule
from projections.balance import Balance, OrgView, apply, evolve
from projections.forecast import DAY, margin, outlook, recent_pace, run_out_at, still_to_use
from projections.settings import AlertSettings


def step(view: OrgView | None, event: Any, settings: AlertSettings) -> tuple[OrgView, list[Alert]]:
    """Applies one org event and raises the alerts it causes."""
    before = view.current if view is not None else None
    after_view = apply(view, event)
    after = after_view.current
    if after is None:
        return after_view, []
    same = before if before is not None and before.period == after.period else None
    balance, alerts = evaluate(after_view.org_id, same, after, event.timestamp, settings)
    if balance is after:
        return after_view, alerts
    return evolve(after_view, current=balance), alerts


def evaluate(
    org_id: str,
    before: Balance | None,
    after: Balance,
    at: datetime,
    settings: AlertSettings,
) -> tuple[Balance, list[Alert]]:
    """The alerts raised when a period's balance moves from `before` to `after`."""
    remaining = after.remaining
    emptied = remaining == 0 and (before is None or before.remaining > 0)
    if emptied and after.limit not in after.limits_reached:
        alert = _alert(LIMIT_REACHED, "exhausted", org_id, after, at, settings)
        return _record(after, alert, limits_reached=(*after.limits_reached, after.limit)), [alert]
    if after.near_limit_raised or after.limits_reached or remaining == 0:
        return after, []
    rule = near_limit_rule(after, at, settings)
    if rule is None:
        return after, []
    alert = _alert(NEAR_LIMIT, rule, org_id, after, at, settings)
    return _record(after, alert, near_limit_raised=True), [alert]


def near_limit_rule(balance: Balance, at: datetime, settings: AlertSettings) -> Rule | None:
    """`forecast` when the pace uses the last credit within the runway, or when,
    with enough days seen, the forecast less its margin of doubt reaches the limit."""
    pace = recent_pace(balance, at, settings)
    trial = balance.period == TRIAL_PERIOD
    # A period's first days say how busy those days were more than what the pace is.
    if pace.today < (1 if trial else settings.min_days):
        return None
    runway = settings.trial_runway_days if trial else settings.runway_days
    out = run_out_at(balance, at, pace)
    if out is not None and out - at <= runway * DAY:
        return "forecast"
    if pace.today < (settings.trial_min_days if trial else settings.min_days):
        return None
    if sum(1 for n in balance.daily if n > 0) < 2:
        return None  # all on one day so far (three reports, then gone): no pace yet
    confidence = settings.trial_confidence if trial else settings.confidence
    expected = balance.used + still_to_use(balance, pace)
    if expected - margin(balance, pace, confidence) >= balance.limit:
        return "forecast"
    return None


def _alert(
    kind: Kind, rule: Rule, org_id: str, balance: Balance, at: datetime, settings: AlertSettings
) -> Alert:
    seen = outlook(balance, at, settings)
    return Alert(
        kind=kind,
        org_id=org_id,
        plan=balance.plan,
        period=balance.period,
        limit=balance.limit,
        used=balance.used,
        remaining=balance.remaining,
        occurred_at=at,
        rule=rule,
        forecast_used=seen.forecast_used,
        pace_per_day=seen.pace_per_day,
        run_out_at=seen.run_out_at,
        period_ends_at=seen.period_ends_at,
        suggested_plan=seen.suggested_plan,
    )


def _record(balance: Balance, alert: Alert, **changes: Any) -> Balance:
    return evolve(balance, alert_ids=(*balance.alert_ids, alert.alert_id), **changes)
