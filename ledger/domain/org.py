"""The org aggregate: plan, per-user limit, trial and the current period's counters."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from ledger.domain import chain, errors
from ledger.domain.periods import TRIAL_PERIOD, as_utc, month_end, month_key
from ledger.domain.plans import CATALOGUE, TRIAL, Plan
from ledger.domain.standing import PLAN, TOP_UP, Standing

NAMESPACE = uuid.UUID("8c5b1c3e-2f7a-4a59-9a43-5f1d6b0f4c21")


@lru_cache(maxsize=4096)  # every command and read names its org; a hash each time adds up
def org_uuid(org_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"org:{org_id}")


class Org(Aggregate):
    """One stream per org; every invariant is checked under its version.

    Each new event is saved with its hash in the org's chain (ledger.domain.chain),
    made from the hash of the event before it, which the org keeps (`head_hash`).
    """

    class Event(Aggregate.Event):
        def mutate(self, aggregate: Any) -> Any:
            org = super().mutate(aggregate)
            assert isinstance(org, Org)
            org._link(self)
            return org

    class_version = 2  # 2: counts the reports paid by top-ups (`top_up_used`)

    class OrgOpened(Aggregate.Created):
        org_id: str  # linked into the chain by Org.Event.mutate, as every event is

    class PlanSet(Aggregate.Event):
        plan: str
        previous_plan: str | None
        trial_ends_at: datetime | None
        actor: str | None = None
        reason: str | None = None

        def apply(self, org: Org) -> None:
            org.plan = self.plan
            if self.trial_ends_at is not None:
                org.trial_started_at = self.timestamp
                org._reset(TRIAL_PERIOD)
            else:
                org.had_paid_plan = True
                org._roll(self.timestamp)

    class UserLimitSet(Aggregate.Event):
        limit: int | None
        actor: str | None = None
        reason: str | None = None

        def apply(self, org: Org) -> None:
            org.user_limit = self.limit

    class CreditConsumed(Aggregate.Event):
        enquiry_id: str
        user_id: str
        paid_by: str  # "plan" or "top_up"
        period: str
        remaining: int
        user_remaining: int | None

        def apply(self, org: Org) -> None:
            org._roll(self.timestamp)
            org._tally(self.user_id, self.paid_by, 1)

    class CreditRefunded(Aggregate.Event):
        enquiry_id: str
        user_id: str
        actor: str | None
        reason: str | None
        returned: str  # the kind of credit that came back: "plan" or "top_up"
        charged_at: datetime
        period: str
        remaining: int
        user_remaining: int | None

        def apply(self, org: Org) -> None:
            org._roll(self.timestamp)
            org._tally(self.user_id, self.returned, -1)

    class TopUpGranted(Aggregate.Event):
        top_up_id: str
        credits: int
        expires_at: datetime
        period: str
        note: str | None
        limit: int
        remaining: int
        actor: str | None = None
        reason: str | None = None

        def apply(self, org: Org) -> None:
            org._roll(self.timestamp)
            org.top_up_credits += self.credits

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.plan: str | None = None
        self.user_limit: int | None = None
        self.trial_started_at: datetime | None = None
        self.had_paid_plan = False
        self.period: str | None = None
        self.used = 0
        self.top_up_used = 0  # of `used`, as the events recorded them
        self.top_up_credits = 0
        self.by_user: dict[str, int] = {}
        self.head_hash: str | None = None  # the hash of the org's latest event

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before `top_up_used` existed: the reports past the current
        plan's allowance, which is what version 1 recorded while the plan stayed the same
        (after a mid-month change it may differ from the events, until the month ends)."""
        plan = state.get("plan")
        allowance = CATALOGUE[plan].credits if plan in CATALOGUE else 0
        state["top_up_used"] = max(0, state["used"] - allowance)

    @classmethod
    def open(cls, org_id: str, now: datetime) -> Org:
        org = cls._create(cls.OrgOpened, id=org_uuid(org_id), org_id=org_id, timestamp=now)
        org._seal()
        return org

    # --- the hash chain ----------------------------------------------------

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **kwargs)
        self._seal()

    def _link(self, event: Any) -> None:
        """Moves the chain's head on by one event: to the hash it was saved with,
        or, for an event written before hashes were stored (and a new one), to
        the hash its content gives. Unknown when the previous one is (an org
        loaded from a snapshot older than hashes): see `knows_head`."""
        stored = chain.stored_hash(event)
        previous = chain.GENESIS if event.originator_version == 1 else self.known_head()
        if stored is not None:
            self.head_hash = stored
        elif previous is None:
            self.head_hash = None
        else:
            self.head_hash = chain.link(previous, chain.event_document(self.org_id, event))

    def _seal(self) -> None:
        """Saves the newest pending event with its hash."""
        head = self.known_head()
        if head is None:
            raise RuntimeError(f"org {self.org_id}: the chain's head is unknown; load it first")
        chain.seal(self.pending_events[-1], head)

    def known_head(self) -> str | None:
        # A snapshot taken before hashes were stored has no head_hash at all.
        return getattr(self, "head_hash", None)

    # --- state over time -------------------------------------------------

    def _reset(self, period: str) -> None:
        self.period = period
        self.used = 0
        self.top_up_used = 0
        self.top_up_credits = 0
        self.by_user = {}

    def _tally(self, user_id: str, paid_by: str, step: int) -> None:
        """One report counted (step 1) or given back (step -1), in the kind that paid."""
        self.used += step
        if paid_by == TOP_UP:
            self.top_up_used += step
        count = self.by_user.get(user_id, 0) + step
        if count > 0:
            self.by_user[user_id] = count
        else:  # every report of the user's was given back
            self.by_user.pop(user_id, None)

    def _roll(self, moment: datetime) -> None:
        """Paid counters belong to a calendar month: a new month starts at zero."""
        if self.plan is not None and not CATALOGUE[self.plan].is_trial:
            key = month_key(moment)
            if self.period != key:
                self._reset(key)

    def _current_period(self, now: datetime) -> str | None:
        if self.plan is None:
            return None
        return TRIAL_PERIOD if CATALOGUE[self.plan].is_trial else month_key(now)

    def trial_ends_at(self) -> datetime | None:
        if self.trial_started_at is None:
            return None
        duration = CATALOGUE[TRIAL].duration
        assert duration is not None
        return self.trial_started_at + duration

    def standing(self, now: datetime) -> Standing:
        now = as_utc(now)
        period = self._current_period(now)
        if period is None:
            return Standing(plan=None, period=None, allowance=0, top_up_credits=0, used=0)
        current = self.period == period
        ends_at = self.trial_ends_at() if period == TRIAL_PERIOD else None
        return Standing(
            plan=self.plan,
            period=period,
            allowance=CATALOGUE[self.plan].credits if self.plan else 0,
            top_up_credits=self.top_up_credits if current else 0,
            used=self.used if current else 0,
            top_up_used=self.top_up_used if current else 0,
            trial_started_at=self.trial_started_at if ends_at else None,
            trial_ends_at=ends_at,
            trial_running=ends_at is not None and now < ends_at,
            expires_at=ends_at or month_end(period),
        )

    def user_used(self, user_id: str, period: str | None) -> int:
        if self.period != period:
            return 0
        return self.by_user.get(user_id, 0)

    # --- commands ----------------------------------------------------------

    def set_plan(
        self, plan: Plan, now: datetime, actor: str | None = None, reason: str | None = None
    ) -> None:
        same = plan.name == self.plan
        if same and (not plan.is_trial or self.standing(now).trial_running):
            return  # idempotent: same plan, or the trial that still runs
        if not plan.open_to_new:
            raise errors.PlanClosed(f"the {plan.name} plan is closed to new subscribers")
        if plan.is_trial and (self.had_paid_plan or self.trial_started_at is not None):
            raise errors.TrialNotAvailable(
                "a trial can be started once, and only before any paid plan"
            )
        ends_at = now + plan.duration if plan.duration is not None else None
        self.trigger_event(
            self.PlanSet,
            plan=plan.name,
            previous_plan=self.plan,
            trial_ends_at=ends_at,
            actor=actor,
            reason=reason,
            timestamp=now,
        )

    def set_user_limit(
        self, limit: int | None, now: datetime, actor: str | None = None, reason: str | None = None
    ) -> None:
        if limit == self.user_limit:
            return
        self.trigger_event(
            self.UserLimitSet, limit=limit, actor=actor, reason=reason, timestamp=now
        )

    def check_has_running_plan(self, standing: Standing) -> None:
        if standing.plan is None:
            raise errors.NoPlan("the org has no plan", **standing.refusal())
        if standing.trial_ends_at is not None and not standing.trial_running:
            raise errors.TrialExpired(
                "the trial is over; a paid plan is needed", **standing.refusal()
            )

    def consume(self, user_id: str, enquiry_id: str, now: datetime) -> CreditConsumed:
        standing = self.standing(now)
        self.check_has_running_plan(standing)
        if standing.remaining <= 0:
            if standing.is_trial:
                raise errors.TrialLimitReached(
                    "the trial's credits are used up", **standing.refusal()
                )
            raise errors.OrgLimitReached(
                "the org has no credits left this month", **standing.refusal()
            )
        user_used = self.user_used(user_id, standing.period)
        if self.user_limit is not None and user_used >= self.user_limit:
            raise errors.UserLimitReached(
                "the user has reached the per-user limit",
                limit=self.user_limit,
                used=user_used,
                remaining=0,
                resets_at=standing.resets_at,
            )
        assert standing.period is not None
        self.trigger_event(
            self.CreditConsumed,
            enquiry_id=enquiry_id,
            user_id=user_id,
            paid_by=standing.pays_with,
            period=standing.period,
            remaining=standing.remaining - 1,
            user_remaining=None if self.user_limit is None else self.user_limit - user_used - 1,
            timestamp=now,
        )
        event = self.pending_events[-1]
        assert isinstance(event, Org.CreditConsumed)
        return event

    def top_up(
        self,
        top_up_id: str,
        credits: int,
        note: str | None,
        now: datetime,
        actor: str | None = None,
        reason: str | None = None,
    ) -> TopUpGranted:
        standing = self.standing(now)
        self.check_has_running_plan(standing)
        assert standing.period is not None and standing.expires_at is not None
        # The answer is the standing after the grant: never more than is usable.
        after = replace(standing, top_up_credits=standing.top_up_credits + credits)
        self.trigger_event(
            self.TopUpGranted,
            top_up_id=top_up_id,
            credits=credits,
            expires_at=standing.expires_at,
            period=standing.period,
            note=note,
            limit=after.limit,
            remaining=after.remaining,
            actor=actor,
            reason=reason,
            timestamp=now,
        )
        event = self.pending_events[-1]
        assert isinstance(event, Org.TopUpGranted)
        return event

    def refund(
        self, charged: Charge, now: datetime, actor: str | None = None, reason: str | None = None
    ) -> CreditRefunded:
        """Gives back the credit of a charge made in the period that still runs."""
        standing = self.standing(now)
        period = self._charged_in(charged)
        if period != standing.period or period != self.period or not standing.running:
            raise errors.PeriodClosed(
                f"enquiry {charged.enquiry_id} was charged in a period that is over"
            )
        user_used = self.user_used(charged.user_id, period)
        user_left = None if self.user_limit is None else max(0, self.user_limit - user_used + 1)
        self.trigger_event(
            self.CreditRefunded,
            enquiry_id=charged.enquiry_id,
            user_id=charged.user_id,
            actor=actor,
            reason=reason,
            returned=self._kind_returned(charged, standing),
            charged_at=charged.consumed_at,
            period=period,
            remaining=replace(standing, used=standing.used - 1).remaining,
            user_remaining=user_left,
            timestamp=now,
        )
        event = self.pending_events[-1]
        assert isinstance(event, Org.CreditRefunded)
        return event

    def _charged_in(self, charged: Charge) -> str:
        """The period of a charge; for a receipt older than refunds, from its time
        (a charge before the trial's end counts as the trial's: closed once it ended)."""
        if charged.period is not None:
            return charged.period
        ends_at = self.trial_ends_at()
        if ends_at is not None and charged.consumed_at < ends_at:
            return TRIAL_PERIOD
        return month_key(charged.consumed_at)

    @staticmethod
    def _kind_returned(charged: Charge, standing: Standing) -> str:
        """The kind that paid (a receipt older than refunds does not say: then the
        plan's, unless the plan paid for none of the period's reports)."""
        kind = charged.paid_by or (PLAN if standing.plan_used > 0 else TOP_UP)
        if kind == TOP_UP and standing.top_up_used == 0:  # counts upcast from old snapshots
            return PLAN
        if kind == PLAN and standing.plan_used == 0:
            return TOP_UP
        return kind


# Every org event's topic starts so (receipts and snapshots' do not): how stores
# and feeds pick out org events without decoding them.
ORG_TOPIC = get_topic(Org) + "."


class Charge(Protocol):
    """What a refund needs to know of the charge it undoes (an enquiry's receipt)."""

    @property
    def enquiry_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def consumed_at(self) -> datetime: ...
    @property
    def period(self) -> str | None: ...
    @property
    def paid_by(self) -> str | None: ...
