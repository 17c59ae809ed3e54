"""Random commands against two ledger instances on one SQLite file, checked
after every step against the plain model of the rules in tests/unit/model.py."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ledger import CreditLedger, LedgerError, OrgStatus
from ledger.domain.org import Org
from ledger.domain.plans import CATALOGUE
from tests.conftest import FakeClock
from tests.unit.model import RULES, SMALL, TRIAL_DAYS, Model, Refused, next_month
from tests.unit.support import body, check_attribution, utc

ORG = "acme"
STARTS = [utc(2026, 11, 5, 12), utc(2026, 11, 30, 23, 59, 50), utc(2027, 2, 27), utc(2028, 2, 28)]
WAITS = [1, 59, 3600, 86_400, 6 * 86_400, 13 * 86_400, 14 * 86_400, 31 * 86_400]
# The model checks logic, not durability: on Linux, keep its files in memory (no fsync).
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None
users = st.sampled_from(["u-1", "u-2", "u-3"])
instance = st.integers(0, 1)
plans = st.sampled_from(["Ultimate", "Enterprise", "Basic", "Lite", "Trial"])


def observed(command: str, got: tuple[str, Any]) -> tuple[str, Any]:
    """Labels the outcome for --hypothesis-show-statistics (how often each rule is hit)."""
    event(f"{command}: {got[1] if got[0] == 'refused' else 'ok'}")
    return got


def outcome(command: Callable[[], Any]) -> tuple[str, Any]:
    """("ok", answer as a dict) or ("refused", code), from the ledger or the model."""
    try:
        answer = command()
    except (LedgerError, Refused) as refusal:
        return "refused", refusal.code
    return "ok", body(answer) if dataclasses.is_dataclass(answer) else answer


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="ledger-model-", dir=SCRATCH)
        self.env = {
            "PERSISTENCE_MODULE": "adapters.sqlite",
            "SQLITE_DBNAME": str(Path(self.folder) / "events.sqlite"),
        }
        self.clock = FakeClock(STARTS[0])
        self.ledgers = [CreditLedger(env=self.env, clock=self.clock) for _ in range(2)]
        self.model = Model()
        self.fresh_ids = itertools.count()
        self.catalogue = dict(CATALOGUE)
        self.seen: dict[datetime, OrgStatus] = {}  # the live status last seen at each moment

    def teardown(self) -> None:
        CATALOGUE.update(self.catalogue)
        for ledger in self.ledgers:
            ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(
        start=st.sampled_from(STARTS),
        plan=st.sampled_from([None, "Trial", "Trial", "Lite", "Basic", "Ultimate"]),
        table=st.sampled_from([SMALL, RULES]),
    )
    def start(self, start: Any, plan: str | None, table: dict[str, int]) -> None:
        self.clock.set(start)
        self.model.credits = dict(table)
        for name, credits in table.items():  # the catalogue is data: same rules, any numbers
            CATALOGUE[name] = replace(CATALOGUE[name], credits=credits)
        if plan is not None:  # most lives start on a plan, so limits are reached
            self.set_plan(plan, via=0)

    # --- commands ------------------------------------------------------------

    @rule(plan=plans, via=instance)
    def set_plan(self, plan: str, via: int) -> None:
        now = self.clock()
        got = observed("set_plan", outcome(lambda: self.ledgers[via].set_plan(ORG, plan)))
        expected = outcome(lambda: self.model.set_plan(plan, now))
        if expected[0] == "ok":
            expected = ("ok", self.model.status(ORG, now))
            if self.model.used(now) > self.model.limit(now):
                event("set_plan: left more used than the new limit")
        assert got == expected

    @rule(limit=st.sampled_from([None, None, 0, 1, 3, 8]), via=instance)
    def set_user_limit(self, limit: int | None, via: int) -> None:
        got = outcome(lambda: self.ledgers[via].set_user_limit(ORG, limit))
        self.model.set_user_limit(limit)
        assert got == ("ok", self.model.status(ORG, self.clock()))

    def consume_one(self, user: str, enquiry: str, via: int) -> None:
        now = self.clock()
        ledger = self.ledgers[via]
        got = observed(
            "consume",
            outcome(lambda: ledger.consume_credit(ORG, user_id=user, enquiry_id=enquiry)),
        )
        assert got == outcome(lambda: self.model.consume(ORG, user, enquiry, now))

    @rule(user=users, enquiry=st.sampled_from([f"e-{n}" for n in range(6)]), via=instance)
    def consume_known_enquiry(self, user: str, enquiry: str, via: int) -> None:
        self.consume_one(user, enquiry, via)

    @rule(user=users, count=st.integers(1, 12), via=instance)
    def consume_new_enquiries(self, user: str, count: int, via: int) -> None:
        for _ in range(count):
            self.consume_one(user, f"new-{next(self.fresh_ids)}", via)

    @rule(user=users, count=st.integers(1, 12), plan=plans, via=instance)
    def use_then_change_plan(self, user: str, count: int, plan: str, via: int) -> None:
        """Mid-month changes after heavy use (used above the new plan's allowance)."""
        self.consume_new_enquiries(user, count, via)
        self.set_plan(plan, 1 - via)

    @rule(credits=st.sampled_from([1, 2]), user=users, count=st.integers(1, 12), plan=plans)
    def top_up_use_then_change_plan(self, credits: int, user: str, count: int, plan: str) -> None:
        """A few top-up credits spent, then a mid-month change: what is left of the new
        allowance pays before any top-up."""
        self.top_up(credits, None, 0)
        self.use_then_change_plan(user, count, plan, 0)

    @rule(
        credits=st.sampled_from([1, 2, 5, 30, 100_000]),
        top_up_id=st.sampled_from([None, "t-1", "t-2"]),
        via=instance,
    )
    def top_up(self, credits: int, top_up_id: str | None, via: int) -> None:
        now = self.clock()
        got = observed(
            "top_up", outcome(lambda: self.ledgers[via].top_up(ORG, credits, top_up_id=top_up_id))
        )
        # A top-up without an id gets the ledger's new id, or one never used if refused.
        model_id = top_up_id or (got[1]["top_up_id"] if got[0] == "ok" else "never-used")
        assert got == outcome(lambda: self.model.top_up(ORG, credits, model_id, now))

    @rule()
    def close_lite(self) -> None:
        """The one-line catalogue change, made mid-life (closing twice changes nothing)."""
        CATALOGUE["Lite"] = replace(CATALOGUE["Lite"], open_to_new=False)
        self.model.closed.add("Lite")

    # --- time ------------------------------------------------------------------

    @rule(move=st.sampled_from([*WAITS, "month end", "trial end"]), exactly=st.booleans())
    def move_clock(self, move: int | str, exactly: bool) -> None:
        """Waits, or goes to the next month's start or the trial's end, or 1 s before."""
        now, before = self.clock(), timedelta(seconds=0 if exactly else 1)
        if isinstance(move, int):
            self.clock.advance(seconds=move)
        elif move == "month end":
            self.clock.set(next_month(now) - before)
        elif self.model.trial_start is not None:
            end = self.model.trial_start + TRIAL_DAYS
            self.clock.set(max(now, end - before))

    # --- checks after every step -------------------------------------------------

    @invariant()
    def status_equals_the_model(self) -> None:
        now = self.clock()
        if not self.model.exists:
            assert outcome(lambda: self.ledgers[0].status(ORG)) == ("refused", "NOT_FOUND")
            return
        live = self.ledgers[0].status(ORG)
        assert body(live) == self.model.status(ORG, now)
        assert live.remaining >= 0 and live.used >= 0
        assert self.ledgers[1].status(ORG) == live

    @invariant()
    def a_replay_equals_the_live_state(self) -> None:
        if not self.model.exists:
            return
        now, live = self.clock(), self.ledgers[0].status(ORG)
        assert self.ledgers[0].status(ORG, at=now) == live
        # The last status seen at an earlier moment is what that moment rebuilds to.
        earlier = [moment for moment in self.seen if moment < now]
        if earlier:
            assert self.ledgers[0].status(ORG, at=max(earlier)) == self.seen[max(earlier)]
        self.seen[now] = live
        fresh = CreditLedger(env=self.env, clock=self.clock)
        try:
            assert fresh.status(ORG) == live
        finally:
            fresh.close()

    @invariant()
    def never_more_granted_than_allowed(self) -> None:
        events = list(self.ledgers[0].org_events(ORG))
        consumed = [e for e in events if isinstance(e, Org.CreditConsumed)]
        assert [(e.period, e.user_id, e.paid_by) for e in consumed] == self.model.charges
        check_attribution(events)
        granted: Counter[str] = Counter()
        for recorded in events:
            if isinstance(recorded, Org.TopUpGranted):
                granted[recorded.period] += recorded.credits
        for period, count in Counter(e.period for e in consumed).items():
            assert count <= self.model.most_allowed[period] + granted[period]


LedgerMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerModel = LedgerMachine.TestCase
