"""The alert policy's rules, driven through the ledger with a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.alerts import alert_id
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore
from tests.conftest import FakeClock
from tests.projection_support import RecordingSink, rebuild, snapshot, validate

Alerts = Callable[[], list[tuple[str, str, str, int]]]
LATE = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # 95% of November gone: no forecasts


@pytest.fixture
def memory_ledger(clock: FakeClock) -> CreditLedger:
    return CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def alerts(memory_ledger: CreditLedger, sink: RecordingSink) -> Alerts:
    """Projects acme's events so far; returns every alert published until now."""
    projector = Projector(MemoryProjectionStore(), LedgerEvents(memory_ledger), sink)

    def seen() -> list[tuple[str, str, str, int]]:
        projector.handle(org_uuid("acme"))
        for event in sink.events:
            validate(event)
        return sink.kinds()

    return seen


def consume(ledger: CreditLedger, count: int, user: str = "u-1") -> None:
    for _ in range(count):
        n = consume.counter = getattr(consume, "counter", 0) + 1
        ledger.consume_credit("acme", user_id=user, enquiry_id=f"e-{n}")


def daily_uses(ledger: CreditLedger, clock: FakeClock, per_day: list[int]) -> None:
    """Each day's uses at noon, from the clock's day on; the clock ends a day later."""
    for count in per_day:
        clock.set(clock().replace(hour=12))
        consume(ledger, count)
        clock.advance(days=1)


def test_near_limit_when_the_pace_reaches_the_limit(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [5] * 4)  # 150 by the month's end, but 4 days first
    assert alerts() == []
    daily_uses(memory_ledger, clock, [1])
    assert alerts() == [("NearLimit", "2026-11", "forecast", 21)]


def test_a_steady_org_under_its_limit_raises_nothing(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [3] * 30)  # 90 of 100
    assert alerts() == []


def test_an_early_burst_that_slows_raises_nothing(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [35] + [2] * 29)  # 93 of 100
    assert alerts() == []


def test_all_but_used_up_in_the_first_days_raises_near_limit(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Lite")
    consume(memory_ledger, 17)  # 3 of 20 left: a first day's burst, no more
    assert alerts() == []
    consume(memory_ledger, 1)  # 2 left (a tenth) at this pace, within hours
    assert alerts() == [("NearLimit", "2026-11", "runway", 18)]


def test_near_limit_once_per_period_then_again_next_month(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [5] * 19)
    assert alerts() == [("NearLimit", "2026-11", "forecast", 21)]
    clock.set(datetime(2026, 12, 1, 12, tzinfo=UTC))
    daily_uses(memory_ledger, clock, [5] * 4 + [1])
    assert alerts()[1:] == [("NearLimit", "2026-12", "forecast", 21)]


def test_last_month_counts_as_evidence(memory_ledger, clock, alerts) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [1] * 31)  # October: 1 a day
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    daily_uses(memory_ledger, clock, [5] * 4 + [1])  # as in the first test, 5 a day
    assert alerts() == []  # a week of October's pace holds the forecast under 100


def test_limit_reached_by_consumption(memory_ledger, clock, alerts, sink) -> None:
    clock.set(LATE)
    memory_ledger.set_plan("acme", "Lite")
    consume(memory_ledger, 20)
    assert alerts() == [
        ("NearLimit", "2026-11", "runway", 19),  # the last credit would go tomorrow
        ("LimitReached", "2026-11", "exhausted", 20),
    ]
    reached = sink.events[1]["detail"]
    assert (reached["limit"], reached["remaining"], reached["plan"]) == (20, 0, "Lite")
    assert reached["run_out_at"] == reached["occurred_at"]  # it ran out then


def test_limit_reached_by_downgrade_suppresses_near_limit(memory_ledger, clock, alerts) -> None:
    clock.set(LATE)
    memory_ledger.set_plan("acme", "Enterprise")
    consume(memory_ledger, 300)  # 60%, forecast 315 of 500: nothing yet
    assert alerts() == []
    memory_ledger.set_plan("acme", "Basic")  # 300 used of 100: none left
    assert alerts() == [("LimitReached", "2026-11", "exhausted", 300)]
    memory_ledger.set_plan("acme", "Ultimate")
    consume(memory_ledger, 500)  # 80% of 1000, but the period already hit its limit
    assert alerts() == [("LimitReached", "2026-11", "exhausted", 300)]


def test_limit_reached_again_after_a_top_up_is_used_up(memory_ledger, clock, alerts, sink) -> None:
    clock.set(LATE)
    memory_ledger.set_plan("acme", "Basic")
    consume(memory_ledger, 100)
    memory_ledger.top_up("acme", 10)
    consume(memory_ledger, 10)
    assert alerts() == [
        ("NearLimit", "2026-11", "runway", 91),
        ("LimitReached", "2026-11", "exhausted", 100),
        ("LimitReached", "2026-11", "exhausted", 110),
    ]
    assert [e["detail"]["limit"] for e in sink.events[1:]] == [100, 110]
    assert len(set(sink.ids)) == 3


def test_a_top_up_that_leaves_nothing_to_use_raises_nothing(
    memory_ledger, clock, alerts, sink
) -> None:
    clock.set(LATE)
    memory_ledger.set_plan("acme", "Enterprise")
    consume(memory_ledger, 300)
    memory_ledger.set_plan("acme", "Basic")
    reached = [("LimitReached", "2026-11", "exhausted", 300)]
    assert alerts() == reached
    assert memory_ledger.top_up("acme", 25).remaining == 0  # limit 125, still 0 left
    assert alerts() == reached
    memory_ledger.top_up("acme", 200)  # 25 left
    consume(memory_ledger, 25)
    assert alerts() == [*reached, ("LimitReached", "2026-11", "exhausted", 325)]
    assert [e["detail"]["limit"] for e in sink.events] == [100, 325]


def test_same_limit_reached_twice_alerts_once(memory_ledger, clock, alerts) -> None:
    clock.set(LATE)
    memory_ledger.set_plan("acme", "Basic")
    consume(memory_ledger, 100)
    memory_ledger.set_plan("acme", "Enterprise")
    memory_ledger.set_plan("acme", "Basic")  # back to 0 left under the same limit
    assert [kind for kind, *_ in alerts()] == ["NearLimit", "LimitReached"]


def test_trial_alerts_use_the_trial_period(memory_ledger, clock, alerts, sink) -> None:
    clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Trial")
    daily_uses(memory_ledger, clock, [2, 2, 2])
    assert alerts() == []  # the trial's first three days: no forecast yet
    daily_uses(memory_ledger, clock, [1])
    assert alerts() == [("NearLimit", "trial", "runway", 7)]  # 3 left: gone in 1.5 days
    assert sink.events[0]["detail"]["suggested_plan"] == "Basic"  # 2 a day: 60 a month
    consume(memory_ledger, 3)
    assert alerts()[-1] == ("LimitReached", "trial", "exhausted", 10)
    assert sink.events[-1]["detail"]["plan"] == "Trial"


def test_three_reports_and_gone_raises_nothing(memory_ledger, clock, alerts) -> None:
    memory_ledger.set_plan("acme", "Trial")
    consume(memory_ledger, 3)
    clock.advance(days=2)
    consume(memory_ledger, 1)
    assert alerts() == []


def test_a_trial_used_up_at_once_gets_only_limit_reached(memory_ledger, clock, alerts) -> None:
    memory_ledger.set_plan("acme", "Trial")
    clock.advance(days=13)
    consume(memory_ledger, 10)
    assert alerts() == [("LimitReached", "trial", "exhausted", 10)]


def test_time_passing_raises_nothing(memory_ledger, clock, alerts) -> None:
    memory_ledger.set_plan("acme", "Trial")
    consume(memory_ledger, 2)
    clock.advance(days=20)  # the trial runs out of days
    memory_ledger.set_user_limit("acme", 5)  # an event, but it changes no balance
    assert alerts() == []
    memory_ledger.set_plan("acme", "Basic")
    assert alerts() == []


def test_settings_move_the_rule(memory_ledger, clock, alerts, sink) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    daily_uses(memory_ledger, clock, [4, 4, 1])
    assert alerts() == []  # by default, four days are seen first
    settings = AlertSettings(min_days=2, confidence=0)
    eager = RecordingSink()
    Projector(MemoryProjectionStore(), LedgerEvents(memory_ledger), eager, settings).handle(
        org_uuid("acme")
    )
    assert eager.kinds() == [("NearLimit", "2026-11", "forecast", 9)]


def test_alert_ids_are_stable_and_distinct() -> None:
    assert alert_id("acme", "2026-11", "NearLimit") == alert_id("acme", "2026-11", "NearLimit", 7)
    ids = {
        alert_id("acme", "2026-11", "NearLimit"),
        alert_id("acme", "2026-12", "NearLimit"),
        alert_id("acme", "2026-11", "LimitReached", 100),
        alert_id("acme", "2026-11", "LimitReached", 110),
        alert_id("acme2", "2026-11", "LimitReached", 100),
    }
    assert len(ids) == 5


def test_projection_matches_the_ledger_and_a_rebuild(memory_ledger, clock, alerts) -> None:
    memory_ledger.set_plan("acme", "Trial")
    consume(memory_ledger, 4, user="u-2")
    clock.set(datetime(2026, 11, 25, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    memory_ledger.top_up("acme", 25)
    consume(memory_ledger, 3)
    alerts()
    live = rebuild(memory_ledger, ["acme"])
    status = memory_ledger.status("acme")
    head, balances, *_ = snapshot(live, "acme")
    month = head.current
    assert (month.period, month.plan, month.limit, month.used, month.remaining) == (
        status.month,
        status.plan,
        status.limit,
        status.used,
        status.remaining,
    )
    assert month.by_user == {"u-1": 3}
    assert [(b.period, b.used, b.by_user) for b in balances] == [
        ("trial", 4, {"u-2": 4}),
        ("2026-11", 3, {"u-1": 3}),
    ]


def test_alerts_say_why_in_numbers(memory_ledger, clock, alerts, sink) -> None:
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    memory_ledger.set_plan("acme", "Basic")
    for _ in range(12):  # five a day at noon: 150 by the month's end
        consume(memory_ledger, 5)
        clock.advance(days=1)
    assert [kind for kind, *_ in alerts()] == ["NearLimit"]
    detail = sink.events[0]["detail"]
    # Day 5, at its first use (noon): half a day's 5 more today, then 5 a day from
    # the 6th: 21 + 2.5 + 125, and the 79 left gone 15.3 days after the 5th ends.
    assert (detail["forecast_used"], detail["pace_per_day"]) == (148, 5.0)
    assert (detail["occurred_at"], detail["used"]) == ("2026-11-05T12:00:00.000000Z", 21)
    assert detail["run_out_at"] == "2026-11-21T07:12:00.000000Z"
    assert detail["period_ends_at"] == "2026-12-01T00:00:00.000000Z"
    assert detail["suggested_plan"] == "Enterprise"
    head, *_ = snapshot(rebuild(memory_ledger, ["acme"]), "acme")
    assert head.current.daily == (5,) * 12
