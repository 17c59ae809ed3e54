"""A cold load on DynamoDB: one query finds the latest snapshot and the events after it."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, ClassVar
from uuid import uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.utils import Environment

from ledger import CreditLedger
from ledger.domain.org import Org
from tests.conftest import FakeClock

pytestmark = pytest.mark.parametrize("store", ["dynamodb"])


class OftenSnapshotted(CreditLedger):
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Org: 10}


def count_requests(ledger: CreditLedger) -> Counter[str]:
    calls: Counter[str] = Counter()
    client = ledger.factory.client  # type: ignore[attr-defined]
    client.meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.update([model.name])
    )
    return calls


@pytest.mark.parametrize("consumed", [0, 7, 8, 9, 10, 25])
def test_a_cold_consume_costs_one_query_and_the_write(
    clock: FakeClock, store_env: dict[str, str], consumed: int
) -> None:
    ledger = OftenSnapshotted(env=store_env, clock=clock)
    ledger.set_plan("acme", "Ultimate")
    for n in range(consumed):
        ledger.consume_credit("acme", user_id=f"u-{n % 3}", enquiry_id=f"e-{n}")
    cold = OftenSnapshotted(env=store_env, clock=clock)
    calls = count_requests(cold)
    assert not cold.consume_credit("acme", user_id="u-0", enquiry_id="cold").replayed
    assert calls["Query"] == 1 and calls["TransactWriteItems"] == 1
    # and the snapshot put when the command's version is a multiple of 10 (2 + 7 + 1)
    assert calls["PutItem"] == (consumed == 7) and sum(calls.values()) == 2 + calls["PutItem"]
    assert cold.status("acme").used == consumed + 1


def _recorders(store_env: dict[str, str]) -> tuple[Any, Any]:
    factory = InfrastructureFactory.construct(Environment("CreditLedger", store_env))
    return factory.aggregate_recorder("events"), factory.aggregate_recorder("snapshots")


def _event(uid: Any, version: int, kind: str = "event") -> StoredEvent:
    return StoredEvent(uid, version, "topic", kind.encode())


def test_held_events_serve_only_the_next_matching_read(store_env: dict[str, str]) -> None:
    events, snapshots = _recorders(store_env)
    uid = uuid4()
    events.insert_events([_event(uid, v) for v in (1, 2, 3)])
    snapshots.insert_events([_event(uid, 2, "snapshot")])

    assert [s.originator_version for s in snapshots.select_events(uid, desc=True, limit=1)] == [2]
    events.insert_events([_event(uid, 4)])  # a write drops what was held
    assert [e.originator_version for e in events.select_events(uid, gt=2)] == [3, 4]

    snapshots.select_events(uid, desc=True, limit=1)
    assert [e.originator_version for e in events.select_events(uid, gt=1)] == [2, 3, 4]
    assert [e.originator_version for e in events.select_events(uid, gt=2)] == [3, 4]


def test_held_events_belong_to_their_thread(store_env: dict[str, str]) -> None:
    events, snapshots = _recorders(store_env)
    uid = uuid4()
    events.insert_events([_event(uid, v) for v in (1, 2)])
    snapshots.insert_events([_event(uid, 1, "snapshot")])
    snapshots.select_events(uid, desc=True, limit=1)
    other: list[Any] = []

    def write_then_read() -> None:
        events.insert_events([_event(uid, 3)])
        other.extend(events.select_events(uid, gt=1))

    thread = threading.Thread(target=write_then_read)
    thread.start()
    thread.join()
    assert [e.originator_version for e in other] == [2, 3]
    assert [e.originator_version for e in events.select_events(uid, gt=1)] == [2]  # as read


def test_event_reads_skip_snapshots_between_events(store_env: dict[str, str]) -> None:
    events, snapshots = _recorders(store_env)
    uid = uuid4()
    events.insert_events([_event(uid, v) for v in range(1, 7)])
    snapshots.insert_events([_event(uid, v, "snapshot") for v in range(1, 7)])
    versions = [e.originator_version for e in events.select_events(uid, desc=True, limit=3)]
    assert versions == [6, 5, 4]
    assert [e.state for e in events.select_events(uid, gt=2, lte=4)] == [b"event"] * 2
    latest = snapshots.select_events(uid, desc=True, limit=1, lte=4)
    assert [(s.originator_version, s.state) for s in latest] == [(4, b"snapshot")]
    assert [e.originator_version for e in events.select_events(uid, gt=4, lte=4)] == []
    assert [s.originator_version for s in snapshots.select_events(uid, gt=4)] == [5, 6]
