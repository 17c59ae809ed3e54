"""The stream projector under the faults streams and buses have.

Records are delivered while the scenario runs (so the projection moves step by
step, as in production). After each fault the projection equals a rebuild from
the events, every alert was published at least once, and no alert has two ids.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from handlers import projector as projector_handler
from handlers import wiring
from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.alerts import Alert
from projections.projector import SWEEP_EVENT, LedgerEvents, Projector
from projections.store import ProjectionStore, ProjectionTooLarge
from tests.conftest import FakeClock
from tests.projection_stores import PROJECTION_STORES, projection_store
from tests.projection_support import RecordingSink, rebuild, snapshot, validate
from tests.stream_support import (
    FakeContext,
    all_records,
    batches,
    deliver,
    ids_by_identity,
    run_scenario,
)

Records = list[dict[str, Any]]
SCENARIO_ALERTS = [  # (org, period, kind, limit of a LimitReached), from the events alone
    ("acme", "2026-11", "LimitReached", 100),
    ("acme", "2026-11", "LimitReached", 110),
    ("acme", "2026-11", "NearLimit", None),
    ("acme", "2026-12", "NearLimit", None),
    ("trial-co", "2026-11", "LimitReached", 20),
    ("trial-co", "trial", "LimitReached", 10),
    ("trial-co", "trial", "NearLimit", None),
]
# DynamoDB under moto is slow: it runs the faults that touch its own code paths.
ON_DYNAMODB = {
    "test_eventbridge_failing_some_entries",
    "test_crash_between_write_and_publish",
    "test_alerts_stranded_while_the_bus_was_down_are_swept",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        kinds = [k for k in PROJECTION_STORES if k != "dynamodb"]
        if metafunc.function.__name__ in ON_DYNAMODB:
            kinds = PROJECTION_STORES
        metafunc.parametrize("store_kind", kinds)


class Crash(Exception):
    """The process dying between the projection write and the publish."""


class CrashingStore:
    """Delegates to a store; the first `crashes` successful saves then 'crash'."""

    def __init__(self, store: ProjectionStore, crashes: int) -> None:
        self.store, self.crashes = store, crashes

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def save(self, *args: Any) -> bool:
        saved = self.store.save(*args)
        if saved and self.crashes > 0:
            self.crashes -= 1
            raise Crash("killed after the write")
        return saved


class TooLargeFor:
    """Delegates to a store; saves of one org fail as an item over 400 KB would."""

    def __init__(self, store: ProjectionStore, org_key: str) -> None:
        self.store, self.org_key = store, org_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def save(self, org_key: str, *args: Any) -> bool:
        if org_key == self.org_key:
            raise ProjectionTooLarge(
                f"projection of org {org_key}: item head would be 401000 bytes"
            )
        return self.store.save(org_key, *args)


class FlakySink(RecordingSink):
    """Refuses each alert the first time, and throws on every third call."""

    def __init__(self) -> None:
        super().__init__()
        self.tried: set[str] = set()
        self.calls = 0

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        self.calls += 1
        if self.calls % 3 == 0:
            raise RuntimeError("ThrottlingException")
        self.refuse = {a.alert_id for a in alerts} - self.tried
        self.tried |= self.refuse
        return super().publish(alerts)


class DownSink(RecordingSink):
    """EventBridge unreachable until `down` is cleared."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True

    def publish(self, alerts: Sequence[Alert]) -> set[str]:
        if self.down:
            raise RuntimeError("EndpointConnectionError")
        return super().publish(alerts)


class Harness:
    def __init__(self, store: ProjectionStore, clock: FakeClock) -> None:
        self.store, self.clock = store, clock
        self.ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
        self.sent = 0
        self.invocations = 0
        self.orgs: list[str] = []

    def new_records(self, with_topic: bool = True) -> Records:
        records = all_records(self.ledger, with_topic)
        fresh, self.sent = records[self.sent :], len(records)
        return fresh

    def deliver(self, *groups: Records) -> None:
        self.invocations += sum(deliver(projector_handler.handler, g) for g in groups if g)

    def play(self, sink: RecordingSink, on_step: Callable[[], None], store: Any = None) -> None:
        projector = Projector(store or self.store, LedgerEvents(self.ledger), sink)
        wiring.bootstrap(projector=projector)  # until the test ends
        self.orgs = run_scenario(self.ledger, self.clock, on_step)

    def check(self, sink: RecordingSink) -> None:
        fresh = rebuild(self.ledger, self.orgs)
        alerts = [a for org in self.orgs for a in fresh.pending(str(org_uuid(org)))]
        assert sorted(ids_by_identity([a.event() for a in alerts])) == SCENARIO_ALERTS
        for org in self.orgs:
            assert snapshot(self.store, org) == snapshot(fresh, org)
            assert self.store.pending(str(org_uuid(org))) == []
        assert set(sink.ids) == {a.alert_id for a in alerts}  # each at least once, no strays
        assert all(len(ids) == 1 for ids in ids_by_identity(sink.events).values())
        for event in sink.events:
            validate(event)


@pytest.fixture
def store(store_kind: str, tmp_path: Path) -> Iterator[ProjectionStore]:
    with projection_store(store_kind, tmp_path) as made:
        yield made


@pytest.fixture
def harness(store: ProjectionStore, clock: FakeClock) -> Iterator[Harness]:
    yield Harness(store, clock)
    wiring.bootstrap()


def test_in_order_exactly_once(harness: Harness) -> None:
    sink = RecordingSink()
    harness.play(sink, lambda: harness.deliver(*batches(harness.new_records(), 10)))
    harness.check(sink)
    assert len(sink.ids) == len(set(sink.ids))  # without faults, each alert published once


def test_every_batch_delivered_twice(harness: Harness) -> None:
    sink = RecordingSink()

    def twice() -> None:
        for group in batches(harness.new_records(), 7):
            harness.deliver(group, group)

    harness.play(sink, twice)
    harness.check(sink)


def test_batches_reordered(harness: Harness) -> None:
    sink = RecordingSink()
    shuffle = random.Random(7).shuffle

    def reordered() -> None:
        groups = batches(harness.new_records(), 3)
        shuffle(groups)
        harness.deliver(*groups)

    harness.play(sink, reordered)
    harness.check(sink)


def test_records_dropped_then_delivered_later(harness: Harness) -> None:
    sink = RecordingSink()
    dropped: Records = []

    def lossy() -> None:
        records = harness.new_records(with_topic=False)  # bare doorbells, receipts included
        dropped.extend(records[::3])
        harness.deliver(*batches([r for i, r in enumerate(records) if i % 3], 11))

    harness.play(sink, lossy)
    harness.deliver(*batches(dropped, 5))
    harness.check(sink)


def test_eventbridge_failing_some_entries(harness: Harness) -> None:
    sink = FlakySink()
    harness.play(sink, lambda: harness.deliver(*batches(harness.new_records(), 10)))
    assert sink.tried == set(sink.ids)  # every alert was refused once, then retried
    assert sink.calls > len(sink.tried)
    harness.check(sink)


def test_crash_between_write_and_publish(harness: Harness) -> None:
    sink = RecordingSink()
    crashing = CrashingStore(harness.store, crashes=12)
    harness.play(sink, lambda: harness.deliver(*batches(harness.new_records(), 10)), store=crashing)
    assert crashing.crashes == 0
    harness.check(sink)


def test_alerts_stranded_while_the_bus_was_down_are_swept(harness: Harness) -> None:
    """The stream gives up on each record (as after its retries and an hour); the
    orgs write nothing more, so only the scheduled sweep can publish their alerts."""
    sink = DownSink()
    failed: list[str] = []

    def given_up() -> None:
        for group in batches(harness.new_records(), 10):
            answer = projector_handler.handler({"Records": group}, FakeContext())
            failed.extend(f["itemIdentifier"] for f in answer["batchItemFailures"])

    harness.play(sink, given_up)
    assert failed and sink.ids == []  # records failed, and were then dropped
    stranded = {str(org_uuid(org)) for org in harness.orgs} - {str(org_uuid("quiet"))}
    assert set(harness.store.pending_org_keys()) == stranded
    assert projector_handler.handler(SWEEP_EVENT, FakeContext()) == {
        "orgs": 2,
        "published": 0,
        "failed": 2,
    }  # still down: all left for the next sweep
    sink.down = False
    answer = projector_handler.handler(SWEEP_EVENT, FakeContext())
    assert answer == {"orgs": 2, "published": len(SCENARIO_ALERTS), "failed": 0}
    harness.check(sink)
    assert harness.store.pending_org_keys() == []
    assert projector_handler.handler(SWEEP_EVENT, FakeContext())["orgs"] == 0


def test_an_org_too_large_to_store_is_logged_and_does_not_hold_up_the_others(
    harness: Harness, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    sink = RecordingSink()
    large = str(org_uuid("acme"))
    store = TooLargeFor(harness.store, large)
    invocations: list[int] = []

    def step() -> None:  # records of every org share the batches
        invocations.extend(
            deliver(projector_handler.handler, g) for g in batches(harness.new_records(), 10)
        )

    harness.play(sink, step, store=store)
    assert set(invocations) == {1}  # no record failed, so none was retried
    assert harness.store.head(large) is None
    fresh = rebuild(harness.ledger, harness.orgs)
    for org in ("trial-co", "quiet"):
        assert snapshot(harness.store, org) == snapshot(fresh, org)
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and {r.getMessage() for r in errors} == {"projection too large; org left behind"}
    assert {getattr(r, "org_key", None) for r in errors} == {large}
    assert large in str(errors[0].exc_info[1])  # the size and the org, from the store
    assert '"ProjectionsTooLarge"' in capsys.readouterr().out  # the metric
