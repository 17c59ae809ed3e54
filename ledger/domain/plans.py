"""The plan catalogue: data, not branches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from ledger.domain.periods import TRIAL_PERIOD


class Period(StrEnum):
    MONTH = "month"  # credits renew each calendar month (UTC)
    TRIAL = TRIAL_PERIOD  # credits are given once, for a fixed span from the start


@dataclass(frozen=True)
class Plan:
    name: str
    credits: int
    period: Period
    open_to_new: bool = True
    duration: timedelta | None = None  # only for a fixed-span plan

    @property
    def is_trial(self) -> bool:
        return self.period is Period.TRIAL


TRIAL = "Trial"  # the trial plan's name; its period is TRIAL_PERIOD

# To close a plan to new subscribers, set open_to_new=False on its line.
CATALOGUE: dict[str, Plan] = {
    plan.name: plan
    for plan in (
        Plan("Ultimate", 1000, Period.MONTH),
        Plan("Enterprise", 500, Period.MONTH),
        Plan("Basic", 100, Period.MONTH),
        Plan("Lite", 20, Period.MONTH, open_to_new=True),
        Plan(TRIAL, 10, Period.TRIAL, duration=timedelta(days=14)),
    )
}

PLAN_NAMES: tuple[str, ...] = tuple(CATALOGUE)
