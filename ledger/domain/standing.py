"""What an org may use at a moment: a pure view over its state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledger.domain.periods import TRIAL_PERIOD

# Which kind of credit paid for a report (CreditConsumed.paid_by).
PLAN = "plan"
TOP_UP = "top_up"


@dataclass(frozen=True)
class Standing:
    plan: str | None
    period: str | None  # "YYYY-MM", TRIAL_PERIOD, or None without a plan
    allowance: int
    top_up_credits: int
    used: int
    top_up_used: int = 0  # of `used`, the reports paid by top-ups
    trial_started_at: datetime | None = None
    trial_ends_at: datetime | None = None
    trial_running: bool = False
    expires_at: datetime | None = None  # when this period's credits expire

    @property
    def limit(self) -> int:
        return self.allowance + self.top_up_credits

    @property
    def remaining(self) -> int:
        if self.trial_ends_at is not None and not self.trial_running:
            return 0
        return max(0, self.limit - self.used)

    @property
    def plan_used(self) -> int:
        return self.used - self.top_up_used

    @property
    def pays_with(self) -> str:
        """The kind of credit the next report is paid by: the plan's allowance is spent
        only by the reports the plan paid for, so it goes first even after a plan change
        (the org-wide sum `remaining` decides whether a report is granted at all)."""
        return PLAN if self.plan_used < self.allowance else TOP_UP

    @property
    def is_trial(self) -> bool:
        return self.trial_started_at is not None and self.period == TRIAL_PERIOD
