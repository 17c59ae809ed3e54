"""A plain model of the rules, written apart from the ledger, to check it against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

TRIAL, TRIAL_DAYS = "Trial", timedelta(days=14)
# The rules' table, and a small one with the same shape (limits reached in a few steps).
RULES = {"Ultimate": 1000, "Enterprise": 500, "Basic": 100, "Lite": 20, TRIAL: 10}
SMALL = {"Ultimate": 12, "Enterprise": 8, "Basic": 5, "Lite": 2, TRIAL: 3}


class Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def month_of(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m")


def next_month(now: datetime) -> datetime:
    first = datetime(now.year, now.month, 1, tzinfo=UTC)
    return (first + timedelta(days=32)).replace(day=1)


@dataclass
class Model:
    credits: dict[str, int] = field(default_factory=lambda: dict(RULES))
    exists: bool = False
    plan: str | None = None
    trial_start: datetime | None = None
    had_paid: bool = False
    user_limit: int | None = None
    closed: set[str] = field(default_factory=set)
    charges: list[tuple[str, str, str]] = field(default_factory=list)  # period, user, paid_by
    grants: list[tuple[str, int]] = field(default_factory=list)  # period, credits
    enquiries: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    top_ups: dict[str, dict[str, Any]] = field(default_factory=dict)
    most_allowed: dict[str, int] = field(default_factory=dict)  # period -> top allowance

    # --- what holds at a moment -------------------------------------------

    def period(self, now: datetime) -> str | None:
        if self.plan is None:
            return None
        return "trial" if self.plan == TRIAL else month_of(now)

    def running(self, now: datetime) -> bool:
        return self.trial_start is not None and now < self.trial_start + TRIAL_DAYS

    def allowance(self) -> int:
        return 0 if self.plan is None else self.credits[self.plan]

    def used(self, now: datetime, user: str | None = None, paid_by: str | None = None) -> int:
        period = self.period(now)
        return sum(
            1
            for p, u, kind in self.charges
            if p == period and user in (None, u) and paid_by in (None, kind)
        )

    def top_up_credits(self, now: datetime) -> int:
        return sum(credits for p, credits in self.grants if p == self.period(now))

    def limit(self, now: datetime) -> int:
        return self.allowance() + self.top_up_credits(now)

    def remaining(self, now: datetime) -> int:
        if self.plan is None or (self.plan == TRIAL and not self.running(now)):
            return 0
        return max(0, self.limit(now) - self.used(now))

    def status(self, org_id: str, now: datetime) -> dict[str, Any]:
        trial = None
        if self.plan == TRIAL:
            assert self.trial_start is not None
            trial = {
                "started_at": self.trial_start,
                "ends_at": self.trial_start + TRIAL_DAYS,
                "credits": self.credits[TRIAL],
                "used": self.used(now),
                "remaining": self.remaining(now),
            }
        return {
            "org_id": org_id,
            "plan": self.plan,
            "month": month_of(now),
            "allowance": self.allowance(),
            "top_up_credits": self.top_up_credits(now),
            "limit": self.limit(now),
            "used": self.used(now),
            "remaining": self.remaining(now),
            "user_limit": self.user_limit,
            "trial": trial,
        }

    # --- commands: each returns the expected answer or raises Refused -------

    def _note_allowance(self, now: datetime) -> None:
        period = self.period(now)
        if period is not None:
            self.most_allowed[period] = max(self.most_allowed.get(period, 0), self.allowance())

    def set_plan(self, plan: str, now: datetime) -> None:
        self._note_allowance(now)
        if plan == self.plan and (plan != TRIAL or self.running(now)):
            pass  # nothing changes
        elif plan == TRIAL:
            if self.had_paid or self.trial_start is not None:
                raise Refused("TRIAL_NOT_AVAILABLE")
            self.plan, self.trial_start = TRIAL, now
        elif plan in self.closed:
            raise Refused("PLAN_CLOSED")
        else:
            self.plan, self.had_paid = plan, True
        self.exists = True
        self._note_allowance(now)

    def set_user_limit(self, limit: int | None) -> None:
        self.user_limit, self.exists = limit, True

    def check_running(self, now: datetime) -> None:
        if self.plan is None:
            raise Refused("NO_PLAN")
        if self.plan == TRIAL and not self.running(now):
            raise Refused("TRIAL_EXPIRED")

    def consume(self, org_id: str, user: str, enquiry: str, now: datetime) -> dict[str, Any]:
        if enquiry in self.enquiries:
            first_user, answer = self.enquiries[enquiry]
            if first_user != user:
                raise Refused("ENQUIRY_CONFLICT")
            return answer
        self._note_allowance(now)
        self.check_running(now)
        if self.remaining(now) == 0:
            raise Refused("TRIAL_LIMIT_REACHED" if self.plan == TRIAL else "ORG_LIMIT_REACHED")
        user_used = self.used(now, user)
        if self.user_limit is not None and user_used >= self.user_limit:
            raise Refused("USER_LIMIT_REACHED")
        # The allowance is spent only by the reports the plan paid for (a plan change
        # mid-month keeps them), so what is left of it goes before any top-up.
        paid_by = "plan" if self.used(now, paid_by="plan") < self.allowance() else "top_up"
        period = self.period(now)
        assert period is not None
        self.charges.append((period, user, paid_by))
        answer = {
            "org_id": org_id,
            "user_id": user,
            "enquiry_id": enquiry,
            "consumed_at": now,
            "remaining": self.remaining(now),
            "user_remaining": None if self.user_limit is None else self.user_limit - user_used - 1,
        }
        self.enquiries[enquiry] = (user, answer)
        return answer

    def top_up(self, org_id: str, credits: int, top_up_id: str, now: datetime) -> dict[str, Any]:
        if top_up_id in self.top_ups:
            answer = self.top_ups[top_up_id]
            if answer["credits"] != credits:
                raise Refused("TOP_UP_CONFLICT")
            return answer
        self._note_allowance(now)
        self.check_running(now)
        period = self.period(now)
        assert period is not None
        self.grants.append((period, credits))
        trial_end = self.trial_start + TRIAL_DAYS if self.trial_start else None
        answer = {
            "org_id": org_id,
            "top_up_id": top_up_id,
            "credits": credits,
            "expires_at": trial_end if self.plan == TRIAL else next_month(now),
            "limit": self.limit(now),
            "remaining": self.remaining(now),
        }
        self.top_ups[top_up_id] = answer
        return answer
