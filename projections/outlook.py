"""What a period's balance says about the rest of the period, at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ledger.domain.plans import CATALOGUE
from projections.balance import Balance
from projections.settings import AlertSettings

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Outlook:
    forecast_used: int
    pace_per_day: float
    run_out_at: datetime | None
    period_ends_at: datetime
    suggested_plan: str | None


def outlook(balance: Balance, at: datetime, settings: AlertSettings) -> Outlook:
    """The pace since the period began (at least a day's worth of time), carried on."""
    elapsed = max(at - balance.starts_at, _DAY)
    pace = balance.used / (elapsed / _DAY)
    left = max(balance.ends_at - at, timedelta(0))
    forecast = balance.used + int(pace * (left / _DAY))
    run_out = None
    if balance.remaining == 0:
        run_out = None
    elif pace > 0:
        moment = at + _DAY * (balance.remaining / pace)
        run_out = moment if moment < balance.ends_at else None
    return Outlook(
        forecast_used=forecast,
        pace_per_day=round(pace, 2),
        run_out_at=run_out,
        period_ends_at=balance.ends_at,
        suggested_plan=_suggested(forecast),
    )


def _suggested(forecast: int) -> str | None:
    fits = [p for p in CATALOGUE.values() if p.open_to_new and not p.is_trial]
    fits = [p for p in fits if p.credits >= forecast]
    return min(fits, key=lambda p: p.credits).name if fits else None
