"""What the projector reads from the event store, and what it takes from its caller."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from ledger import CreditLedger
from ledger.domain.org import org_uuid
from projections.projector import READ_CHUNK, LedgerEvents, Projector
from projections.store import MemoryProjectionStore
from tests.conftest import FakeClock


class CountingSource(LedgerEvents):
    def __init__(self, ledger: CreditLedger) -> None:
        super().__init__(ledger)
        self.reads = 0

    def events_after(self, org_key: uuid.UUID, version: int, limit: int) -> Iterable[Any]:
        self.reads += 1
        return super().events_after(org_key, version, limit)


def _long_history(clock: FakeClock) -> CreditLedger:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Ultimate")
    for n in range(READ_CHUNK + 100):
        ledger.consume_credit("acme", user_id=f"u-{n % 3}", enquiry_id=f"e-{n}")
    return ledger


def test_events_handed_in_are_not_read_again(clock: FakeClock) -> None:
    ledger = _long_history(clock)
    events = list(ledger.org_events("acme"))
    assert len(events) > READ_CHUNK
    source, store = CountingSource(ledger), MemoryProjectionStore()
    Projector(store, source).project(org_uuid("acme"), events)
    assert source.reads == 0
    head = store.head(str(org_uuid("acme")))
    assert head is not None and head.version == len(events)


def test_a_long_history_is_read_in_chunks_to_its_end(clock: FakeClock) -> None:
    ledger = _long_history(clock)
    events = list(ledger.org_events("acme"))
    source, store = CountingSource(ledger), MemoryProjectionStore()
    Projector(store, source).project(org_uuid("acme"))
    assert source.reads == len(events) // READ_CHUNK + 1
    head = store.head(str(org_uuid("acme")))
    assert head is not None and head.version == len(events)
    handed = MemoryProjectionStore()
    Projector(handed, LedgerEvents(ledger)).project(org_uuid("acme"), events)
    assert handed.balances(str(org_uuid("acme"))) == store.balances(str(org_uuid("acme")))


def test_events_over_more_periods_than_one_save_holds_are_not_read_again(
    clock: FakeClock,
) -> None:
    """A save holds MAX_PERIODS_PER_SAVE periods: the projector saves in steps and
    goes on with the events it was handed, reading nothing past them."""
    from projections.projector import MAX_PERIODS_PER_SAVE

    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Lite")
    for month in range(MAX_PERIODS_PER_SAVE + 5):
        clock.advance(days=31)
        ledger.consume_credit("acme", user_id="u", enquiry_id=f"e-{month}")
    events = list(ledger.org_events("acme"))
    clock.advance(days=31)
    ledger.consume_credit("acme", user_id="u", enquiry_id="e-after")  # not handed in
    source, store = CountingSource(ledger), MemoryProjectionStore()
    Projector(store, source).project(org_uuid("acme"), events)
    assert source.reads == 0
    head = store.head(str(org_uuid("acme")))
    assert head is not None and head.version == len(events)
    assert len(store.balances(str(org_uuid("acme")))) > MAX_PERIODS_PER_SAVE
