"""Refunds and alerts: a credit given back moves a period away from its limit."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.forecast import outlook
from projections.policy import near_limit
from projections.projector import LedgerEvents, Projector
from projections.settings import AlertSettings
from projections.store import MemoryProjectionStore
from tests.conftest import FakeClock
from tests.projection_support import RecordingSink, rebuild, snapshot, validate

LATE = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class Org:
    """acme on a ledger whose clock the test moves; its alerts projected on demand."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
        self.sink = RecordingSink()
        self.projector = Projector(MemoryProjectionStore(), LedgerEvents(self.ledger), self.sink)
        self.numbers = itertools.count(1)
        self.charged: list[str] = []  # enquiry ids, in the order they were charged

    def use(self, count: int) -> None:
        for _ in range(count):
            enquiry = f"e-{next(self.numbers)}"
            self.ledger.consume_credit("acme", user_id="u-1", enquiry_id=enquiry)
            self.charged.append(enquiry)

    def refund(self, enquiry: str) -> None:
        self.ledger.refund_credit("acme", enquiry, actor="support", reason="bad answer")

    def alerts(self) -> list[tuple[str, str, str, int]]:
        self.projector.handle(org_uuid("acme"))
        for event in self.sink.events:
            validate(event)
        return self.sink.kinds()


@pytest.fixture
def acme(clock: FakeClock) -> Org:
    return Org(clock)


def test_a_refund_at_the_limit_then_its_use_raises_no_second_limit_reached(acme: Org) -> None:
    acme.clock.set(LATE)
    acme.ledger.set_plan("acme", "Lite")
    acme.use(20)
    raised = acme.alerts()
    assert [kind for kind, *_ in raised] == ["NearLimit", "LimitReached"]
    acme.refund(acme.charged[-1])  # one credit back: 19 used of 20
    assert acme.ledger.status("acme").remaining == 1
    assert acme.alerts() == raised  # going down raises nothing
    acme.use(1)  # the same limit reached again: it was already said
    assert acme.ledger.status("acme").remaining == 0
    assert acme.alerts() == raised


def test_a_top_up_used_up_after_a_refund_raises_limit_reached_at_its_limit(acme: Org) -> None:
    acme.clock.set(LATE)
    acme.ledger.set_plan("acme", "Lite")
    acme.use(20)
    acme.refund(acme.charged[-1])
    acme.use(1)
    acme.ledger.top_up("acme", 10)
    acme.use(10)
    assert acme.alerts()[1:] == [
        ("LimitReached", "2026-11", "exhausted", 20),
        ("LimitReached", "2026-11", "exhausted", 30),
    ]
    assert [e["detail"]["limit"] for e in acme.sink.events[1:]] == [20, 30]
    assert len(set(acme.sink.ids)) == 3


def test_a_refund_raises_no_near_limit_but_the_next_use_may(acme: Org) -> None:
    acme.clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    acme.ledger.set_plan("acme", "Basic")
    for _ in range(4):  # 5 a day: 150 by the month's end, once four days are seen
        acme.use(5)
        acme.clock.advance(days=1)
    assert acme.alerts() == []
    acme.refund(acme.charged[-1])  # day 5
    assert acme.alerts() == []
    head, *_ = snapshot(rebuild(acme.ledger, ["acme"]), "acme")
    assert near_limit(head.current, acme.clock(), AlertSettings()) is not None  # if judged
    acme.use(1)
    assert [kind for kind, *_ in acme.alerts()] == ["NearLimit"]


def test_the_pace_counts_each_days_use_less_its_refunds(acme: Org) -> None:
    acme.clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    acme.ledger.set_plan("acme", "Basic")
    for _ in range(6):
        acme.use(3)
        acme.clock.advance(days=1)
    acme.clock.set(datetime(2026, 11, 7, 9, tzinfo=UTC))
    for day in range(6):  # a day later or more: each refund comes off the day it was charged
        for enquiry in acme.charged[day * 3 : day * 3 + (3 if day == 0 else 1)]:
            acme.refund(enquiry)
    acme.alerts()
    head, *_ = snapshot(rebuild(acme.ledger, ["acme"]), "acme")
    month = head.current
    assert month.daily == (0, 2, 2, 2, 2, 2)  # the first day given back in full
    assert month.used == 10
    seen = outlook(month, acme.clock())
    assert seen.pace_per_day == 1.6  # (0 + 2 + 2 + 2 + 2) / 5: one busiest day left out
    assert seen.forecast_used >= month.used
    assert acme.alerts() == []


def test_refunds_and_uses_replay_to_the_same_alerts(acme: Org) -> None:
    acme.clock.set(datetime(2026, 11, 20, 12, tzinfo=UTC))
    acme.ledger.set_plan("acme", "Lite")
    for _ in range(5):  # projected step by step, as the stream projector would
        acme.use(3)
        acme.alerts()
        acme.refund(acme.charged[-1])
        acme.alerts()
        acme.clock.advance(hours=20)
    acme.use(10)
    live = acme.alerts()
    assert ("LimitReached", "2026-11", "exhausted", 20) in live
    replayed = RecordingSink()
    Projector(MemoryProjectionStore(), LedgerEvents(acme.ledger), replayed).handle(org_uuid("acme"))
    assert replayed.kinds() == live
    assert [e["detail"] for e in replayed.events] == [e["detail"] for e in acme.sink.events]
