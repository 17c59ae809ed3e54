"""A month's usage as the REST API shows it, read from the projected balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ledger.domain.periods import TRIAL_PERIOD, month_end
from projections.balance import Balance


@dataclass(frozen=True)
class Usage:
    org_id: str
    month: str
    plan: str | None
    limit: int = 0
    used: int = 0
    remaining: int = 0
    top_up_credits: int = 0
    by_user: dict[str, int] = field(default_factory=dict)


def usage_for(org_id: str, balances: Sequence[Balance], month: str, now: datetime) -> Usage:
    """The balance that governed the month: its own, else the plan in force at its end
    (with a fresh allowance), or the trial, during it or after it with no paid
    plan since (as the org status shows it)."""
    governing = _governing(balances, month)
    if governing is None:
        return Usage(org_id=org_id, month=month, plan=None)
    if governing.period not in (month, TRIAL_PERIOD):
        # No events that month: the plan in force, untouched.
        return Usage(
            org_id=org_id,
            month=month,
            plan=governing.plan,
            limit=governing.allowance,
            remaining=governing.allowance,
        )
    over = governing.period == TRIAL_PERIOD and now >= governing.ends_at
    return Usage(
        org_id=org_id,
        month=month,
        plan=governing.plan,
        limit=governing.limit,
        used=governing.used,
        remaining=0 if over else governing.remaining,
        top_up_credits=governing.top_up_credits,
        by_user=dict(governing.by_user),
    )


def _governing(balances: Sequence[Balance], month: str) -> Balance | None:
    for balance in balances:
        if balance.period == month:
            return balance
    end = month_end(month)
    earlier = [b for b in balances if b.starts_at < end]
    return max(earlier, key=lambda b: b.version) if earlier else None
