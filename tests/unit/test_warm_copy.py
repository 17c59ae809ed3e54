"""The warm org copy that commands share: snapshots from it, and failures that drop it."""

from __future__ import annotations

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import PersistenceError

from ledger import CreditLedger
from ledger.domain.org import Org, org_uuid
from ledger.domain.receipts import enquiry_uuid, top_up_uuid
from tests.conftest import FakeClock, LedgerFactory


def _consume(ledger: CreditLedger, count: int, prefix: str = "e") -> None:
    for n in range(count):
        ledger.consume_credit("acme", user_id=f"u-{n % 3}", enquiry_id=f"{prefix}-{n}")


def test_snapshot_from_the_warm_copy_equals_a_replay(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Ultimate")
    ledger.set_user_limit("acme", 500)
    _consume(ledger, 120)
    assert ledger.snapshots is not None
    [snapshot] = ledger.snapshots.get(org_uuid("acme"), desc=True, limit=1)
    assert snapshot.originator_version == 100
    events = ledger.events.get(org_uuid("acme"), lte=100)
    replayed = project_aggregate(None, events)
    assert isinstance(replayed, Org)
    assert vars(snapshot.mutate(None)) == vars(replayed)


def test_a_cold_ledger_agrees_with_the_warm_one(
    make_shared: LedgerFactory, clock: FakeClock
) -> None:
    warm = make_shared(clock)
    warm.set_plan("acme", "Basic")
    _consume(warm, 99)
    cold = make_shared(clock)
    assert cold.status("acme") == warm.status("acme")


def test_a_failed_write_leaves_no_half_applied_copy(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.set_plan("acme", "Lite")
    _consume(ledger, 2)
    real_insert = ledger.recorder.insert_events

    def failing_insert(*args: object, **kwargs: object) -> object:
        raise PersistenceError("disk full")

    monkeypatch.setattr(ledger.recorder, "insert_events", failing_insert)
    with pytest.raises(PersistenceError):
        ledger.consume_credit("acme", user_id="u", enquiry_id="lost")
    monkeypatch.setattr(ledger.recorder, "insert_events", real_insert)
    _consume(ledger, 3, prefix="after")
    versions = [e.originator_version for e in ledger.org_events("acme")]
    assert versions == list(range(1, len(versions) + 1))
    status = ledger.status("acme")
    assert (status.used, status.remaining) == (5, 15)


def test_only_the_org_is_kept_warm_not_its_receipts(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    ledger.top_up("acme", 5, top_up_id="t-1")
    cache = ledger.repository.cache
    assert cache is not None
    assert cache.get(org_uuid("acme")).version == 4
    for receipt in (enquiry_uuid("acme", "e-1"), top_up_uuid("acme", "t-1")):
        with pytest.raises(KeyError):
            cache.get(receipt)
    assert ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1").replayed


def test_a_failed_snapshot_does_not_fail_the_saved_command(
    ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.set_plan("acme", "Ultimate")
    _consume(ledger, 97)  # version 99 after this: the next command is the 100th event
    assert ledger.snapshots is not None

    def failing_put(*args: object, **kwargs: object) -> object:
        raise PersistenceError("disk full")

    monkeypatch.setattr(ledger.snapshots, "put", failing_put)
    granted = ledger.top_up("acme", 5)  # no id: a retry after an error would grant twice
    assert not granted.replayed
    versions = [e.originator_version for e in ledger.org_events("acme")]
    assert versions[-1] == 100
    assert ledger.status("acme").top_up_credits == 5
