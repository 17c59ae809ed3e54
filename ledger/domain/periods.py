"""Calendar months in UTC, as half-open intervals [start, next start)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

# A period is what an org's counters count within: a calendar month, keyed
# "YYYY-MM" (month_key), or its trial, keyed TRIAL_PERIOD: one span from the
# trial's start (the Trial plan's duration).
TRIAL_PERIOD = "trial"


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def month_key(moment: datetime) -> str:
    moment = as_utc(moment)
    return f"{moment.year:04d}-{moment.month:02d}"


def month_start(key: str) -> datetime:
    year, month = (int(part) for part in key.split("-"))
    return datetime(year, month, 1, tzinfo=UTC)


def next_month_start(moment: datetime) -> datetime:
    moment = as_utc(moment)
    if moment.month == 12:
        return datetime(moment.year + 1, 1, 1, tzinfo=UTC)
    return datetime(moment.year, moment.month + 1, 1, tzinfo=UTC)


@lru_cache(maxsize=64)  # every consume asks for its month's end; months are few
def month_end(key: str) -> datetime:
    """The first instant after the month (exclusive end)."""
    return next_month_start(month_start(key))
