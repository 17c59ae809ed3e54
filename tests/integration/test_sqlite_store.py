"""The embedded store: the library's conformance tests, then group commit's own cases."""

from __future__ import annotations

import tempfile
import threading
import time
import unittest
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
)
from eventsourcing.utils import Environment

from adapters.sqlite import GroupCommitRecorder
from adapters.sqlite.group_commit import _Pending


def _env(folder: str) -> Environment:
    return Environment(
        "CreditLedger",
        {"PERSISTENCE_MODULE": "adapters.sqlite", "SQLITE_DBNAME": f"{folder}/events.sqlite"},
    )


class FileStore(unittest.TestCase):
    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.factory: Any = InfrastructureFactory.construct(_env(self.folder.name))
        self.threads_before = set(threading.enumerate())
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        # The library's concurrency test stops its readers without joining them:
        # closing the store under a running reader would crash the interpreter.
        for thread in set(threading.enumerate()) - self.threads_before:
            thread.join(10)
        self.factory.close()
        self.folder.cleanup()


class TestEventsRecorder(FileStore, AggregateRecorderTestCase):
    def create_recorder(self) -> SQLiteAggregateRecorder:
        recorder = self.factory.aggregate_recorder("snapshots")
        assert isinstance(recorder, SQLiteAggregateRecorder)
        return recorder

    @unittest.skip("a timing, not a behaviour; the benchmarks measure speed")
    def test_performance(self) -> None: ...


class TestApplicationRecorder(FileStore, ApplicationRecorderTestCase[GroupCommitRecorder]):
    def create_recorder(self) -> GroupCommitRecorder:
        recorder = self.factory.application_recorder()
        assert isinstance(recorder, GroupCommitRecorder)
        return recorder

    @unittest.skip("a timing, not a behaviour; the benchmarks measure speed")
    def test_performance(self) -> None: ...

    @unittest.skip("a timing, not a behaviour; the benchmarks measure speed")
    def test_concurrent_throughput(self) -> None: ...


# --- group commit --------------------------------------------------------------


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[GroupCommitRecorder]:
    factory: Any = InfrastructureFactory.construct(_env(str(tmp_path)))
    made = factory.application_recorder()
    assert isinstance(made, GroupCommitRecorder)
    yield made
    factory.close()


def _event(originator: Any, version: int, state: Any = b"{}") -> StoredEvent:
    return StoredEvent(originator, version, "topic", state)


def _until(condition: Any) -> None:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)


def _writer(recorder: GroupCommitRecorder, outcomes: dict[int, Any]) -> Any:
    """A thread target: write n's events, keeping the outcome, whatever it is."""

    def write(n: int, events: list[StoredEvent]) -> None:
        try:
            outcomes[n] = recorder.insert_events(events)
        except BaseException as error:  # the outcome, whatever it is, is what is checked
            outcomes[n] = error

    return write


def _in_one_batch(recorder: GroupCommitRecorder, writes: list[list[StoredEvent]]) -> list[Any]:
    """Runs each write on its own thread, all queued behind a write under way."""
    batches: list[int] = []
    write = recorder._write

    def counted(batch: list[Any]) -> None:
        batches.append(len(batch))
        write(batch)

    recorder._write = counted  # type: ignore[method-assign]
    outcomes: dict[int, Any] = {}
    call = _writer(recorder, outcomes)
    threads = [threading.Thread(target=call, args=(n, w)) for n, w in enumerate(writes)]
    with recorder._turn:
        recorder._leading = True  # as if a write were under way: they all queue
    for thread in threads:
        thread.start()
    _until(lambda: len(recorder._queue) == len(writes))
    with recorder._turn:
        recorder._hand_on()  # the first in line leads, as after a write
    for thread in threads:
        thread.join(10)
    assert batches == [len(writes)], "the writes were not committed together"
    return [outcomes[n] for n in range(len(writes))]


def test_queued_writes_share_one_transaction(recorder: GroupCommitRecorder) -> None:
    orgs = [uuid4() for _ in range(4)]
    outcomes = _in_one_batch(recorder, [[_event(org, 1), _event(uuid4(), 1)] for org in orgs])
    ids = sorted(i for outcome in outcomes for i in outcome)
    assert ids == list(range(1, 9))
    assert all(len(recorder.select_events(org)) == 1 for org in orgs)


def test_a_conflicting_write_fails_alone(recorder: GroupCommitRecorder) -> None:
    taken = uuid4()
    recorder.insert_events([_event(taken, 1)])
    first, second = uuid4(), uuid4()
    receipt = uuid4()
    outcomes = _in_one_batch(
        recorder,
        [
            [_event(first, 1)],
            [_event(taken, 2), _event(receipt, 1), _event(taken, 1)],  # version 1 is taken
            [_event(second, 1)],
        ],
    )
    assert isinstance(outcomes[1], IntegrityError)
    assert not isinstance(outcomes[0], Exception) and not isinstance(outcomes[2], Exception)
    assert [e.originator_version for e in recorder.select_events(taken)] == [1]
    assert recorder.select_events(receipt) == []  # none of the failed write's rows
    assert len(recorder.select_events(first)) == len(recorder.select_events(second)) == 1


def test_a_failed_commit_fails_every_write_in_it(recorder: GroupCommitRecorder) -> None:
    writers = [uuid4() for _ in range(3)]
    unstorable = object()  # sqlite cannot bind it: the whole transaction fails
    outcomes = _in_one_batch(
        recorder,
        [[_event(writers[0], 1)], [_event(writers[1], 1, unstorable)], [_event(writers[2], 1)]],
    )
    assert all(isinstance(outcome, PersistenceError) for outcome in outcomes)
    assert all(recorder.select_events(w) == [] for w in writers)
    assert recorder.max_notification_id() in (None, 0)
    # One failure, raised by the leader; each other caller raises its own copy of it.
    assert len({id(o) for o in outcomes}) == len(outcomes)
    leader = [o for o in outcomes if all(x is o or x.__cause__ is o for x in outcomes)]
    assert len(leader) == 1
    assert all(type(o) is type(leader[0]) for o in outcomes)


class Halt(BaseException):
    """Not an Exception: like an interrupt in the middle of a shared write."""


def test_an_interrupted_write_acknowledges_no_one(
    recorder: GroupCommitRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = [uuid4() for _ in range(3)]
    write_one = recorder._write_one

    def halting(cursor: Any, pending: Any) -> None:
        if pending.events[0].originator_id == writers[1]:
            raise Halt
        write_one(cursor, pending)

    monkeypatch.setattr(recorder, "_write_one", halting)
    outcomes = _in_one_batch(recorder, [[_event(w, 1)] for w in writers])
    # The interrupt stays with the leader's thread; the others get a failed write to retry.
    halts = [o for o in outcomes if isinstance(o, Halt)]
    assert len(halts) == 1
    others = [o for o in outcomes if o is not halts[0]]
    assert all(isinstance(o, OperationalError) and o.__cause__ is halts[0] for o in others)
    assert all(recorder.select_events(w) == [] for w in writers)
    monkeypatch.setattr(recorder, "_write_one", write_one)
    recorder.insert_events([_event(writers[0], 1)])  # the writer is usable again
    assert len(recorder.select_events(writers[0])) == 1


@pytest.mark.parametrize("behind", [0, 2])
@pytest.mark.parametrize("handed_the_lead", [False, True])
def test_a_caller_interrupted_while_queued_leaves_the_queue(
    recorder: GroupCommitRecorder,
    monkeypatch: pytest.MonkeyPatch,
    handed_the_lead: bool,
    behind: int,
) -> None:
    """An interrupt while waiting in line (before or after being handed the lead):
    its write is not made, the writes behind it are, and the store stays usable."""
    interrupted = [_event(uuid4(), 1)]
    wait = _Pending.wait

    def halting(pending: Any) -> None:
        if pending.events is not interrupted:
            return wait(pending)
        if handed_the_lead:
            _until(lambda: pending.handed)  # this one is to lead the next write
        raise Halt

    monkeypatch.setattr(_Pending, "wait", halting)
    outcomes: dict[int, Any] = {}
    call = _writer(recorder, outcomes)
    with recorder._turn:
        recorder._leading = True  # as if a write were under way: callers queue
    others = [[_event(uuid4(), 1)] for _ in range(behind)]
    threads = [threading.Thread(target=call, args=(0, interrupted))]
    threads[0].start()
    _until(lambda: len(recorder._queue) == 1 or 0 in outcomes)
    for n, events in enumerate(others, start=1):
        threads.append(threading.Thread(target=call, args=(n, events)))
        threads[-1].start()
    _until(lambda: len(recorder._queue) + (0 in outcomes) == 1 + behind)
    with recorder._turn:  # the write under way ends: the first in line leads next
        recorder._hand_on()
    for thread in threads:
        thread.join(10)
    assert isinstance(outcomes[0], Halt)
    assert recorder.select_events(interrupted[0].originator_id) == []
    assert all(len(recorder.select_events(e[0].originator_id)) == 1 for e in others)
    later = threading.Thread(target=call, args=(99, [_event(uuid4(), 1)]))
    later.start()
    later.join(10)
    assert not later.is_alive() and not isinstance(outcomes[99], BaseException)


def test_a_leader_interrupted_before_its_write_hands_on_the_lead(
    recorder: GroupCommitRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = recorder._lead
    leads: list[int] = []

    def halting_once() -> None:
        leads.append(1)
        if len(leads) == 1:  # the first leader, interrupted once two callers queue
            _until(lambda: len(recorder._queue) == 3)
            raise Halt
        lead()

    monkeypatch.setattr(recorder, "_lead", halting_once)
    writes = [[_event(uuid4(), 1)] for _ in range(3)]
    outcomes: dict[int, Any] = {}
    call = _writer(recorder, outcomes)
    threads = [threading.Thread(target=call, args=(n, writes[n])) for n in range(3)]
    threads[0].start()
    _until(lambda: leads)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert isinstance(outcomes[0], Halt)
    assert recorder.select_events(writes[0][0].originator_id) == []
    assert all(len(recorder.select_events(w[0].originator_id)) == 1 for w in writes[1:])
    assert not recorder._leading and not recorder._queue


def test_a_leader_interrupted_after_taking_its_batch_fails_it_whole(
    recorder: GroupCommitRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch is taken but its write never begins: each caller in it fails
    (the others with a failed write to retry), and exactly one leads next."""
    write = recorder._write
    calls: list[int] = []

    def halting_once(batch: list[Any]) -> None:
        calls.append(len(batch))
        if len(calls) == 1:
            raise Halt
        write(batch)

    monkeypatch.setattr(recorder, "_write", halting_once)
    writes = [[_event(uuid4(), 1)] for _ in range(3)]
    outcomes = _in_one_batch(recorder, writes)
    assert sum(isinstance(o, Halt) for o in outcomes) == 1
    assert sum(isinstance(o, OperationalError) for o in outcomes) == 2
    assert all(recorder.select_events(w[0].originator_id) == [] for w in writes)
    assert calls == [3] and not recorder._leading and not recorder._queue
    recorder.insert_events([_event(uuid4(), 1)])  # the store is usable again


def test_the_store_is_durable_by_setting(recorder: GroupCommitRecorder) -> None:
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    assert (synchronous, journal) == (2, "wal")  # FULL: a commit survives a power cut


def test_many_threads_lose_nothing(recorder: GroupCommitRecorder) -> None:
    per_thread, threads = 50, 8
    orgs = [uuid4() for _ in range(threads)]

    def write(org: Any) -> None:
        for version in range(1, per_thread + 1):
            recorder.insert_events([_event(org, version), _event(uuid4(), 1)])

    workers = [threading.Thread(target=write, args=(org,)) for org in orgs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(len(recorder.select_events(org)) == per_thread for org in orgs)
    notifications = recorder.select_notifications(start=1, limit=10_000)
    assert [n.id for n in notifications] == list(range(1, 2 * per_thread * threads + 1))


def test_the_writer_connection_closes_with_the_store(tmp_path: Path) -> None:
    factory: Any = InfrastructureFactory.construct(_env(str(tmp_path)))
    recorder = factory.application_recorder()
    recorder.insert_events([_event(uuid4(), 1)])
    writer = recorder._writer
    assert writer is not None and not writer.closed
    factory.close()
    assert writer.closed


def test_an_in_memory_store_writes_through_its_pool() -> None:
    env = {"PERSISTENCE_MODULE": "adapters.sqlite", "SQLITE_DBNAME": ":memory:"}
    factory: Any = InfrastructureFactory.construct(Environment("CreditLedger", env))
    recorder = factory.application_recorder()
    org = uuid4()
    recorder.insert_events([_event(org, 1)])
    assert recorder._writer is None  # a second connection would open another database
    assert [e.originator_version for e in recorder.select_events(org)] == [1]
    factory.close()


@pytest.mark.parametrize("attempt", range(3))
def test_closing_mid_write_acknowledges_only_what_was_written(tmp_path: Path, attempt: int) -> None:
    """Closing the store while callers write: every write that returned is stored."""
    factory: Any = InfrastructureFactory.construct(_env(str(tmp_path)))
    recorder = factory.application_recorder()
    acknowledged: list[Any] = []
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            org = uuid4()
            try:
                recorder.insert_events([_event(org, 1), _event(uuid4(), 1)])
            except Exception:  # a closed store refuses: not acknowledged
                continue
            acknowledged.append(org)

    writers = [threading.Thread(target=write) for _ in range(8)]
    for writer in writers:
        writer.start()
    time.sleep(0.1 + 0.05 * attempt)
    factory.close()
    stop.set()
    for writer in writers:
        writer.join(10)
    reopened: Any = InfrastructureFactory.construct(_env(str(tmp_path)))
    check = reopened.application_recorder()
    assert acknowledged, "nothing was written before the close"
    assert all(len(check.select_events(org)) == 1 for org in acknowledged)
    reopened.close()
