"""Properties over random command sequences: the projection agrees with the ledger,
a step-by-step projection equals a rebuild, and the alert policy keeps its promises."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger import CreditLedger, LedgerError
from ledger.domain.org import Org, org_uuid
from ledger.domain.periods import month_key
from projections.balance import Balance, OrgView, evolve
from projections.forecast import outlook
from projections.policy import near_limit, step
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore
from projections.usage import usage_for
from tests.conftest import FakeClock
from tests.projection_support import RecordingSink, rebuild, snapshot, validate

PLANS = ["Basic", "Lite", "Lite", "Trial", "Trial", "Enterprise", "Ultimate"]
command = st.one_of(
    st.tuples(st.just("plan"), st.sampled_from(PLANS)),
    st.tuples(st.just("use"), st.integers(1, 25)),
    st.tuples(st.just("use"), st.integers(1, 25)),
    st.tuples(st.just("top_up"), st.integers(1, 30)),
    st.tuples(st.just("user_limit"), st.one_of(st.none(), st.integers(0, 40))),
    st.tuples(st.just("refund"), st.integers(1, 30)),
)
first_plan = st.tuples(st.just(0), st.tuples(st.just("plan"), st.sampled_from(PLANS)))
commands = st.builds(
    lambda first, rest: [first, *rest],
    first_plan,
    st.lists(st.tuples(st.integers(0, 96), command), max_size=40),
)


NUMBERS = itertools.count()  # of enquiries, across examples: ids never repeat


def run(ledger: CreditLedger, clock: FakeClock, hours: int, action: tuple[str, Any]) -> None:
    clock.advance(hours=hours)
    kind, value = action
    try:
        if kind == "plan":
            ledger.set_plan("acme", value)
        elif kind == "use":
            for n in range(value):
                ledger.consume_credit("acme", user_id=f"u-{n % 3}", enquiry_id=f"e-{next(NUMBERS)}")
        elif kind == "top_up":
            ledger.top_up("acme", value)
        elif kind == "refund":  # the enquiry charged `value` enquiries ago, if any
            ledger.refund_credit("acme", f"e-{next(NUMBERS) - value}")
        else:
            ledger.set_user_limit("acme", value)
    except LedgerError:
        pass  # a refusal records nothing


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 29 * 24), commands)
def test_projection_agrees_with_the_ledger(
    start_hour: int, script: list[tuple[int, tuple[str, Any]]]
) -> None:
    clock = FakeClock(datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=start_hour))
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    sink = RecordingSink()
    live = MemoryProjectionStore()
    projector = Projector(live, LedgerEvents(ledger), sink)
    for hours, action in script:
        run(ledger, clock, hours, action)
        projector.handle(org_uuid("acme"))
    assert snapshot(live, "acme") == snapshot(rebuild(ledger, ["acme"]), "acme")
    now = clock()
    status = ledger.status("acme")
    usage = usage_for("acme", live.balances(str(org_uuid("acme"))), month_key(now), now)
    assert (usage.plan, usage.limit, usage.used, usage.remaining, usage.top_up_credits) == (
        status.plan, status.limit, status.used, status.remaining, status.top_up_credits
    )  # fmt: skip
    check_each_consumption_matches(ledger)
    check_alert_promises(sink.events)


def check_each_consumption_matches(ledger: CreditLedger) -> None:
    view: OrgView | None = None
    for event in ledger.org_events("acme"):
        view, _ = step(view, event, AlertSettings())
        if isinstance(event, Org.CreditConsumed):
            assert view.current is not None
            assert (view.current.period, view.current.remaining) == (event.period, event.remaining)


def check_alert_promises(events: list[dict[str, Any]]) -> None:
    assert len({e["detail"]["alert_id"] for e in events}) == len(events)  # none published twice
    by_period: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        validate(event)
        by_period[event["detail"]["period"]].append(event)
    for period_events in by_period.values():
        kinds = [e["detail-type"] for e in period_events]
        assert kinds.count("NearLimit") <= 1
        if "NearLimit" in kinds and "LimitReached" in kinds:
            assert kinds.index("NearLimit") < kinds.index("LimitReached")
        limits = [e["detail"]["limit"] for e in period_events if e["detail-type"] == "LimitReached"]
        assert len(limits) == len(set(limits))
        for event in period_events:
            detail = event["detail"]
            if event["detail-type"] == "LimitReached":
                assert detail["remaining"] == 0 and detail["rule"] == "exhausted"
            else:
                assert detail["remaining"] > 0 and detail["rule"] in ("runway", "forecast")
                assert detail["forecast_used"] >= detail["limit"]  # what it warns of
                if detail["rule"] == "runway":
                    assert detail["run_out_at"] is not None


def test_an_alert_occurs_at_its_events_time() -> None:
    clock = FakeClock(datetime(2026, 11, 29, tzinfo=UTC))
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    sink = RecordingSink()
    ledger.set_plan("acme", "Lite")
    for n in range(20):
        clock.advance(minutes=1)
        ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{n}")
    clock.advance(days=1)  # projected later: the alert still says when it happened
    Projector(MemoryProjectionStore(), LedgerEvents(ledger), sink).handle(org_uuid("acme"))
    moment = datetime(2026, 11, 29, tzinfo=UTC) + timedelta(minutes=20)
    assert sink.events[-1]["detail"]["occurred_at"] == moment.isoformat().replace(
        "+00:00", ".000000Z"
    )


@given(st.integers(0, 2000), st.integers(1, 2000), st.lists(st.integers(0, 60), max_size=30))
def test_no_near_limit_once_the_period_is_over(used: int, limit: int, daily: list[int]) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    balance = Balance(
        "2026-11", "Basic", limit + used, start, start + timedelta(days=30), 1,
        used=used, daily=tuple(daily),
    )  # fmt: skip
    assert near_limit(balance, balance.ends_at, AlertSettings()) is None


def test_evolve_refuses_a_field_the_class_lacks() -> None:
    view = OrgView(org_id="acme", version=1)
    assert evolve(view, version=2) == OrgView(org_id="acme", version=2)
    with pytest.raises(AssertionError, match="no such fields"):
        evolve(view, verison=2)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 40), max_size=31),
    st.integers(1, 1200),
    st.integers(0, 30 * 24 * 60),
    st.one_of(st.none(), st.floats(0, 40)),
    st.booleans(),
    st.builds(
        AlertSettings,
        window_days=st.integers(1, 31),
        min_days=st.integers(1, 31),
        trial_min_days=st.integers(1, 31),
        confidence=st.floats(0, 5),
        trial_confidence=st.floats(0, 5),
        earlier_days=st.integers(0, 31),
        runway_days=st.floats(0, 7),
        trial_runway_days=st.floats(0, 7),
    ),
)
# Most generated days raise nothing; these three always reach the checks below.
@example([5] * 10, 100, 9 * 24 * 60 + 720, None, False, AlertSettings())  # forecast
@example([5] * 10, 60, 9 * 24 * 60 + 720, None, False, AlertSettings())  # runway
@example([3, 2, 3], 10, 2 * 24 * 60 + 60, None, True, AlertSettings())  # a trial's runway
def test_a_near_limit_says_what_it_warns_of(
    daily: list[int],
    allowance: int,
    minutes: int,
    earlier: float | None,
    trial: bool,
    rules: AlertSettings,
) -> None:
    """Whatever the days and settings: a NearLimit's forecast reaches its limit, its
    run-out moment is within the period, and its outlook is the one a reader sees."""
    start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=9 if trial else 0)
    length = timedelta(days=14 if trial else 30)
    days = daily[: length.days]
    at = start + min(timedelta(minutes=minutes), length)
    days = days[: (at - start) // timedelta(days=1) + 1]  # nothing used after `at`
    balance = Balance(
        "trial" if trial else "2026-11", "Trial" if trial else "Basic", allowance,
        start, start + length, 1, used=sum(days), daily=tuple(days),
        earlier_pace=None if trial else earlier,
    )  # fmt: skip
    found = near_limit(balance, at, rules)
    if found is None:
        return
    rule, seen = found
    assert seen == outlook(balance, at, rules)  # one computation: rule and alert agree
    assert seen.forecast_used >= balance.limit
    assert seen.run_out_at is None or at <= seen.run_out_at <= seen.period_ends_at
    if rule == "runway":
        assert seen.run_out_at is not None
        runway = rules.trial_runway_days if trial else rules.runway_days
        assert seen.run_out_at - at <= timedelta(days=runway)
