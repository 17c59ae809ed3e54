"""Each org's balance per period, folded from the org's events one at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from ledger.domain.org import Org
from ledger.domain.periods import TRIAL_PERIOD, month_end, month_key, month_start
from ledger.domain.plans import CATALOGUE


@dataclass(frozen=True)
class Balance:
    """One org's credits in one period (a calendar month, or its trial)."""

    period: str
    plan: str  # as it stood at the period's last event
    allowance: int
    starts_at: datetime
    ends_at: datetime
    version: int  # the last org version that touched this period
    top_up_credits: int = 0
    used: int = 0
    by_user: dict[str, int] = field(default_factory=dict)
    # Credits used on each day of the period (index: whole days from its start),
    # up to the last day with a use: what the pace and a burn-down chart read.
    daily: tuple[int, ...] = ()
    # Credits a day in the month before, when the org had one: what its habits were.
    earlier_pace: float | None = None
    near_limit_raised: bool = False
    limits_reached: tuple[int, ...] = ()  # limits whose LimitReached was raised
    alert_ids: tuple[str, ...] = ()  # every alert raised in this period, in order

    @property
    def limit(self) -> int:
        return self.allowance + self.top_up_credits

    @property
    def days(self) -> int:
        """Days in the period (a trial's last may be short, if its span is not whole days)."""
        return -((self.starts_at - self.ends_at) // DAY)

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def to_dict(self) -> dict[str, Any]:
        data = dict(vars(self))
        data["starts_at"] = self.starts_at.isoformat()
        data["ends_at"] = self.ends_at.isoformat()
        data["limits_reached"] = list(self.limits_reached)
        data["alert_ids"] = list(self.alert_ids)
        data["by_user"] = dict(self.by_user)
        data["daily"] = list(self.daily)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Balance:
        return cls(
            **{
                **data,
                "starts_at": datetime.fromisoformat(data["starts_at"]),
                "ends_at": datetime.fromisoformat(data["ends_at"]),
                "version": int(data["version"]),
                "limits_reached": tuple(int(x) for x in data["limits_reached"]),
                "alert_ids": tuple(data["alert_ids"]),
                "by_user": {k: int(v) for k, v in data["by_user"].items()},
                # Balances saved before days were counted have none.
                "daily": tuple(int(n) for n in data.get("daily", ())),
            }
        )


@dataclass(frozen=True)
class OrgView:
    """What the fold keeps about an org between events."""

    org_id: str
    version: int  # the last org version applied
    plan: str | None = None
    trial_started_at: datetime | None = None
    trial_ends_at: datetime | None = None
    current: Balance | None = None  # the period of the latest event

    def to_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "version": self.version,
            "plan": self.plan,
            "trial_started_at": _text(self.trial_started_at),
            "trial_ends_at": _text(self.trial_ends_at),
            "current": self.current.to_dict() if self.current else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrgView:
        return cls(
            org_id=data["org_id"],
            version=int(data["version"]),
            plan=data["plan"],
            trial_started_at=_time(data["trial_started_at"]),
            trial_ends_at=_time(data["trial_ends_at"]),
            current=Balance.from_dict(data["current"]) if data["current"] else None,
        )


T = TypeVar("T")
DAY = timedelta(days=1)


def evolve(obj: T, **changes: Any) -> T:
    """dataclasses.replace without re-running __init__ (a fifth of its cost): replays
    fold every event through here. Only for the frozen dataclasses of this module,
    which check nothing when constructed."""
    new = object.__new__(type(obj))
    state = vars(new)
    state.update(vars(obj), **changes)
    # An unknown name adds a field; counting is cheaper than comparing the names.
    assert len(state) == len(vars(obj)), f"no such fields: {set(changes) - set(vars(obj))}"
    return new


def is_org_event(event: object) -> bool:
    return isinstance(event, Org.Event)


def apply(view: OrgView | None, event: Any) -> OrgView:
    """The view after one more org event (the event must be the next version)."""
    version: int = event.originator_version
    if isinstance(event, Org.OrgOpened):
        return OrgView(org_id=event.org_id, version=version)
    if view is None:
        raise ValueError(f"an org's first event must open it, got {type(event).__name__}")
    if version != view.version + 1:
        raise ValueError(f"expected version {view.version + 1}, got {version}")
    # One replace of the view per event: replays fold every event through here.
    if isinstance(event, Org.CreditConsumed):  # most events: checked first
        return _count(view, event, version, 1, event.timestamp)
    if isinstance(event, Org.PlanSet):
        return _plan_set(evolve(view, version=version), event)
    if isinstance(event, Org.CreditRefunded):  # off the day the report was charged
        return _count(view, event, version, -1, event.charged_at)
    if isinstance(event, Org.TopUpGranted):
        balance = _period(view, event.period, event.timestamp)
        credits = balance.top_up_credits + event.credits
        balance = evolve(balance, top_up_credits=credits, version=version)
        return evolve(view, version=version, current=balance)
    return evolve(view, version=version)  # a per-user limit changes no balance


def _count(view: OrgView, event: Any, version: int, step: int, day: datetime) -> OrgView:
    """A report counted (1) or given back (-1), for the org, its user and its day."""
    balance = _period(view, event.period, event.timestamp)
    count = balance.by_user.get(event.user_id, 0) + step
    by_user = {**balance.by_user, event.user_id: count}
    if count <= 0:  # a user whose every report was given back used nothing
        del by_user[event.user_id]
    daily = _count_day(balance, day, step)
    balance = evolve(
        balance, used=balance.used + step, by_user=by_user, daily=daily, version=version
    )
    return evolve(view, version=version, current=balance)


def _plan_set(view: OrgView, event: Any) -> OrgView:
    plan = CATALOGUE[event.plan]
    if event.trial_ends_at is not None:
        view = evolve(view, trial_started_at=event.timestamp, trial_ends_at=event.trial_ends_at)
        period = TRIAL_PERIOD
    else:
        period = month_key(event.timestamp)
    view = evolve(view, plan=plan.name)
    balance = _period(view, period, event.timestamp)
    balance = evolve(balance, plan=plan.name, allowance=plan.credits, version=view.version)
    return evolve(view, current=balance)


def _period(view: OrgView, period: str, moment: datetime) -> Balance:
    """The balance the event lands in: the current one, or a fresh one at zero."""
    if view.current is not None and view.current.period == period:
        return view.current
    if view.plan is None:
        raise ValueError(f"org {view.org_id} has no plan at version {view.version}")
    if period == TRIAL_PERIOD:
        assert view.trial_started_at is not None and view.trial_ends_at is not None
        starts_at, ends_at = view.trial_started_at, view.trial_ends_at
    else:
        starts_at, ends_at = month_start(period), month_end(period)
    before = view.current
    earlier = None
    if before is not None and before.period != TRIAL_PERIOD and before.ends_at == starts_at:
        # Its busiest day left out, as the pace leaves out one burst.
        days = (before.ends_at - before.starts_at) // DAY
        earlier = (before.used - max(before.daily, default=0)) / (days - 1)
    return Balance(
        period=period,
        plan=view.plan,
        allowance=CATALOGUE[view.plan].credits,
        starts_at=starts_at,
        ends_at=ends_at,
        version=view.version,
        earlier_pace=earlier,
    )


def _count_day(balance: Balance, moment: datetime, credits: int) -> tuple[int, ...]:
    """The daily counts with `credits` more on the day of `moment`."""
    day = (moment - balance.starts_at) // DAY
    daily = balance.daily
    if day < len(daily):
        return (*daily[:day], daily[day] + credits, *daily[day + 1 :])
    return (*daily, *(0,) * (day - len(daily)), credits)


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
