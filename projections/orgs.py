"""The cross-org view: one row per org and month, for customer success.

A row is the org's balance as its last event in that month left it, with the
outlook (forecast, pace, run-out date, suggested plan) judged at that event's
moment: a pure function of the events, so a rebuild gives the same rows. Each
row carries the keys it is listed by, so every store (and a DynamoDB index)
can hand out a page of one month's orgs in order without sorting them all.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ledger.domain.errors import InvalidInput
from ledger.domain.periods import TRIAL_PERIOD, month_key
from projections.alerts import LIMIT_REACHED, NEAR_LIMIT, alert_id, format_time, parse_time
from projections.balance import Balance
from projections.forecast import outlook
from projections.settings import AlertSettings

State = Literal["limit_reached", "near_limit", "ok"]
Sort = Literal["run_out", "used_share", "org_id"]
STATES: tuple[str, ...] = ("limit_reached", "near_limit", "ok", "all")
SORTS: tuple[Sort, ...] = ("run_out", "used_share", "org_id")
MAX_PAGE = 500
_SEP = " "  # sorts below every character an id may hold, so "a b" < "ab c"
_SHARE_SCALE = 10**6  # used_share in millionths inside a key
_SHARE_TOP = 10**12  # keys hold the complement: highest share first in ascending order


@dataclass(frozen=True)
class OrgRow:
    org_id: str
    month: str
    period: str  # the month, or "trial"
    plan: str
    limit: int
    used: int
    remaining: int
    forecast_used: int
    pace_per_day: float
    run_out_at: datetime | None
    period_ends_at: datetime
    suggested_plan: str | None
    alerts: tuple[str, ...]
    as_of: datetime  # the moment of the org's last event counted in the row
    near_limit: bool

    @property
    def used_share(self) -> float:
        return round(self.used / self.limit, 4) if self.limit else 0.0

    @property
    def state(self) -> State:
        if self.remaining == 0:
            return "limit_reached"
        return "near_limit" if self.near_limit else "ok"

    def key(self, sort: Sort) -> str:
        """The row's place in a listing: ascending order of this text is the order shown."""
        if sort == "org_id":
            return self.org_id
        if sort == "used_share":
            share = min(self.used * _SHARE_SCALE // max(self.limit, 1), _SHARE_TOP - 1)
            return f"{_SHARE_TOP - share:013d}{_SEP}{self.org_id}"
        if self.remaining == 0:  # run out already: first, the earliest first
            return f"0{_SEP}{format_time(self.run_out_at or self.as_of)}{_SEP}{self.org_id}"
        if self.run_out_at is not None:
            return f"1{_SEP}{format_time(self.run_out_at)}{_SEP}{self.org_id}"
        return f"2{_SEP}{self.org_id}"  # no run-out date: last

    def to_dict(self) -> dict[str, Any]:
        """The row as the API shows it."""
        return {
            "org_id": self.org_id,
            "plan": self.plan,
            "month": self.month,
            "period": self.period,
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "used_share": self.used_share,
            "forecast_used": self.forecast_used,
            "pace_per_day": self.pace_per_day,
            "run_out_at": format_time(self.run_out_at) if self.run_out_at else None,
            "period_ends_at": format_time(self.period_ends_at),
            "suggested_plan": self.suggested_plan,
            "alerts": list(self.alerts),
            "state": self.state,
            "as_of": format_time(self.as_of),
        }

    def to_stored(self) -> dict[str, Any]:
        return {**self.to_dict(), "near_limit": self.near_limit}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> OrgRow:
        run_out = data["run_out_at"]
        return cls(
            org_id=data["org_id"],
            month=data["month"],
            period=data["period"],
            plan=data["plan"],
            limit=int(data["limit"]),
            used=int(data["used"]),
            remaining=int(data["remaining"]),
            forecast_used=int(data["forecast_used"]),
            pace_per_day=float(data["pace_per_day"]),
            run_out_at=parse_time(run_out) if run_out else None,
            period_ends_at=parse_time(data["period_ends_at"]),
            suggested_plan=data["suggested_plan"],
            alerts=tuple(data["alerts"]),
            as_of=parse_time(data["as_of"]),
            near_limit=bool(data["near_limit"]),
        )


def org_row(org_id: str, balance: Balance, at: datetime, settings: AlertSettings) -> OrgRow:
    """The row of the month in which `at` falls, from the balance an event there touched."""
    seen = outlook(balance, at, settings)
    return OrgRow(
        org_id=org_id,
        month=balance.period if balance.period != TRIAL_PERIOD else month_key(at),
        period=balance.period,
        plan=balance.plan,
        limit=balance.limit,
        used=balance.used,
        remaining=balance.remaining,
        forecast_used=seen.forecast_used,
        pace_per_day=seen.pace_per_day,
        run_out_at=seen.run_out_at,
        period_ends_at=seen.period_ends_at,
        suggested_plan=seen.suggested_plan,
        alerts=alert_kinds(org_id, balance),
        as_of=at,
        near_limit=balance.near_limit_raised,
    )


def alert_kinds(org_id: str, balance: Balance) -> tuple[str, ...]:
    """The kinds of the alerts raised in the period, in the order they were raised."""
    near = alert_id(org_id, balance.period, NEAR_LIMIT)
    return tuple(NEAR_LIMIT if i == near else LIMIT_REACHED for i in balance.alert_ids)


@dataclass(frozen=True)
class OrgsQuery:
    month: str
    state: str = "all"
    plan: str | None = None
    sort: Sort = "run_out"
    after: str | None = None  # the key of the last row of the previous page
    limit: int = 100

    def matches(self, row: OrgRow) -> bool:
        return (self.state == "all" or row.state == self.state) and (
            self.plan is None or row.plan == self.plan
        )


@dataclass(frozen=True)
class OrgsPage:
    orgs: list[OrgRow]
    next_after: str | None  # an opaque cursor, None on the last page


def take_page(query: OrgsQuery, ordered: Iterable[OrgRow]) -> OrgsPage:
    """The first `limit` rows of a listing already in order and past the cursor."""
    rows: list[OrgRow] = []
    for row in ordered:
        if len(rows) == query.limit:  # one more exists: there is a next page
            return OrgsPage(rows, encode_cursor(query.sort, rows[-1].key(query.sort)))
        rows.append(row)
    return OrgsPage(rows, None)


def in_order(query: OrgsQuery, rows: Iterable[OrgRow]) -> Iterator[OrgRow]:
    """For stores that keep rows in memory: the month's matching rows past the cursor."""
    chosen = [r for r in rows if r.month == query.month and query.matches(r)]
    chosen.sort(key=lambda r: r.key(query.sort))
    return (r for r in chosen if query.after is None or r.key(query.sort) > query.after)


def encode_cursor(sort: Sort, key: str) -> str:
    text = f"{sort}\n{key}".encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> str:
    """The key a cursor stands for; InvalidInput unless it came from a listing in this order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition("\n")
    except (binascii.Error, UnicodeError, ValueError):
        name, key = "", ""
    if name != sort or not key:
        raise InvalidInput("after must be the next_after of an earlier page in the same sort")
    return key
