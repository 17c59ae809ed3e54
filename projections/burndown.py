"""One period of one org as a burn-down: credits used day by day against the limit,
with the moments that moved it (top-ups, plan changes, alerts).

It replays the period's events through the same fold and alert policy as the
projection, so the marks are the alerts the projection raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger.domain.org import Org
from projections.balance import DAY, Balance, OrgView
from projections.policy import step
from projections.settings import AlertSettings


@dataclass(frozen=True)
class Mark:
    at: datetime
    kind: str  # "top_up", "plan", "NearLimit" or "LimitReached"
    label: str


@dataclass(frozen=True)
class BurnDown:
    period: str
    starts_at: datetime
    ends_at: datetime
    days: tuple[datetime, ...]  # the start of every day of the period
    used: tuple[int | None, ...]  # credits used by each day's end; None for days to come
    limit: tuple[int, ...]  # the limit at each day's end (carried on past today)
    marks: tuple[Mark, ...]


def start_view(
    org_id: str, before: Any | None, balances: Sequence[Balance], head: OrgView
) -> OrgView | None:
    """The fold's state just before the period's first event, enough to replay the
    period: `before` is the org's last event before the period (None: the period
    starts with the org). The plan in force then is that of the last balance an
    event up to `before` touched (every plan change touches one)."""
    if before is None:
        return None
    version = before.originator_version
    touched = [b for b in balances if b.version <= version]
    plan = max(touched, key=lambda b: b.version).plan if touched else None
    return OrgView(
        org_id=org_id,
        version=version,
        plan=plan,
        trial_started_at=head.trial_started_at,
        trial_ends_at=head.trial_ends_at,
    )


def burn_down(
    view: OrgView | None,
    events: Sequence[Any],
    period: str,
    now: datetime,
    settings: AlertSettings,
) -> BurnDown | None:
    """The burn-down of `period` from its events (oldest first), replayed from `view`."""
    balance: Balance | None = None
    points: dict[int, tuple[int, int]] = {}  # day -> (used, limit) after its last event
    marks: list[Mark] = []
    for event in events:
        view, alerts = step(view, event, settings)
        current = view.current
        if current is None or current.period != period:
            continue
        balance = current
        day = (event.timestamp - current.starts_at) // DAY
        points[day] = (current.used, current.limit)
        marks += _marks(event)
        marks += [Mark(a.occurred_at, a.kind, f"{a.kind} at {a.used} of {a.limit}") for a in alerts]
    if balance is None:
        return None
    length = balance.days
    today = min((now - balance.starts_at) // DAY, length - 1)
    used: list[int | None] = []
    limits: list[int] = []
    last = (0, points.get(min(points), (0, balance.limit))[1])
    for day in range(length):
        last = points.get(day, last)
        used.append(last[0] if day <= today else None)
        limits.append(last[1])
    return BurnDown(
        period=period,
        starts_at=balance.starts_at,
        ends_at=balance.ends_at,
        days=tuple(balance.starts_at + day * DAY for day in range(length)),
        used=tuple(used),
        limit=tuple(limits),
        marks=tuple(marks),
    )


def _marks(event: Any) -> list[Mark]:
    if isinstance(event, Org.TopUpGranted):
        note = f": {event.note}" if getattr(event, "note", None) else ""
        return [Mark(event.timestamp, "top_up", f"top-up of {event.credits}{note}")]
    if isinstance(event, Org.PlanSet):
        return [Mark(event.timestamp, "plan", f"plan {event.plan}")]
    return []
