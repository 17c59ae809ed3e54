"""The alert policy: which alerts an event raises, judged after the event.

LimitReached (`exhausted`): the period's remaining credits go from some to none,
once per limit. NearLimit, once per period, never with or after a LimitReached
in the same period: `runway` when the pace uses the last credit within the
runway, `forecast` when, with enough evidence, the forecast less its margin of
doubt reaches the limit. Only events raise alerts, and a refund (a credit given
back) raises none. See docs/PROJECTIONS.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.domain.org import Org
from ledger.domain.periods import TRIAL_PERIOD
from projections.alerts import LIMIT_REACHED, NEAR_LIMIT, Alert, Kind, Rule
from projections.balance import DAY, Balance, OrgView, apply, evolve
from projections.forecast import (
    Outlook,
    margin,
    outlook,
    outlook_at_pace,
    recent_pace,
    run_out_at,
    still_to_use,
    whole_days_gone,
)
from projections.settings import AlertSettings


def step(view: OrgView | None, event: Any, settings: AlertSettings) -> tuple[OrgView, list[Alert]]:
    """Applies one org event and raises the alerts it causes."""
    before = view.current if view is not None else None
    after_view = apply(view, event)
    after = after_view.current
    if after is None or isinstance(event, Org.CreditRefunded):
        # A refund moves the period away from its limit: nothing to warn of.
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
        seen = outlook(after, at, settings)
        alert = _alert(LIMIT_REACHED, "exhausted", org_id, after, at, seen)
        return _record(after, alert, limits_reached=(*after.limits_reached, after.limit)), [alert]
    if after.near_limit_raised or after.limits_reached or remaining == 0:
        return after, []
    found = near_limit(after, at, settings)
    if found is None:
        return after, []
    rule, seen = found
    alert = _alert(NEAR_LIMIT, rule, org_id, after, at, seen)
    return _record(after, alert, near_limit_raised=True), [alert]


ALMOST_OUT = 0.1  # of the limit left: the runway is judged from the period's first day


def near_limit(
    balance: Balance, at: datetime, settings: AlertSettings
) -> tuple[Rule, Outlook] | None:
    """`runway` when the pace uses the last credit within the runway; `forecast`
    when, with enough days seen, the forecast less its margin of doubt reaches the
    limit; with the outlook the rule read (so the alert says what it judged by)."""
    if balance.remaining == 0:
        return None  # nothing left to warn of
    trial = balance.period == TRIAL_PERIOD
    today = whole_days_gone(balance, at)
    # A period's first days say how busy those days were more than what the pace is,
    # unless they have all but used it up.
    almost_out = balance.remaining <= ALMOST_OUT * balance.limit
    if today < (1 if trial else settings.min_days) and not almost_out:
        return None  # checked before the pace is read: most events stop here or sooner
    pace = recent_pace(balance, at, settings)
    runway = settings.trial_runway_days if trial else settings.runway_days
    out = run_out_at(balance, at, pace)
    if out is not None and out - at <= runway * DAY:
        return "runway", outlook_at_pace(balance, at, pace)
    if today < (settings.trial_min_days if trial else settings.min_days):
        return None
    if sum(1 for n in balance.daily if n > 0) < 2:
        return None  # all on one day so far (three reports, then gone): no pace yet
    confidence = settings.trial_confidence if trial else settings.confidence
    expected = balance.used + still_to_use(balance, pace)
    # Whole credits: expected - margin >= limit means floor(expected) >= limit too,
    # so the outlook's forecast_used never falls short of the limit it warns of.
    if expected - margin(balance, pace, confidence) >= balance.limit:
        return "forecast", outlook_at_pace(balance, at, pace)
    return None


def _alert(
    kind: Kind, rule: Rule, org_id: str, balance: Balance, at: datetime, seen: Outlook
) -> Alert:
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
