"""The alert policy: which alerts an event raises, judged after the event.

LimitReached: the period's remaining credits go from some to none, once per
limit. NearLimit: once per period, the first time usage reaches the threshold,
or the linear forecast reaches the limit with at least the floor used; never
with or after a LimitReached in the same period. Only events raise alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from projections.alerts import LIMIT_REACHED, NEAR_LIMIT, Alert, Kind, Rule
from projections.balance import Balance, OrgView, apply, evolve
from projections.forecast import outlook
from projections.settings import AlertSettings

_MIN_ELAPSED = timedelta(seconds=1)  # keeps the forecast finite at a period's first instant


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
    used, limit = balance.used, balance.limit
    if _reaches(used, settings.threshold, limit):
        return "threshold"
    if _reaches(used, settings.forecast_floor, limit) and forecast(balance, at) >= limit:
        return "forecast"
    return None


def _reaches(used: int, share: Fraction, limit: int) -> bool:
    """used >= share * limit, in integers: Fraction arithmetic per event slows replays."""
    return used * share.denominator >= share.numerator * limit


def forecast(balance: Balance, at: datetime) -> int:
    """used / elapsed fraction of the period, rounded down (exact integer arithmetic)."""
    length = balance.ends_at - balance.starts_at
    elapsed = max(at - balance.starts_at, _MIN_ELAPSED)
    return (balance.used * length) // elapsed


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
