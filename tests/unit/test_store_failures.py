"""A store that cannot serve a read or write now (throttled, say): commands try
again and charge once; what still fails is BUSY (503), never an internal error."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from handlers import api, wiring
from ledger import LedgerError
from ledger.domain.org import org_uuid
from localmode.gateway import proxy_event
from tests.conftest import FakeClock
from tests.faults import FaultyLedger
from tests.unit.support import consume


@pytest.fixture
def memory_ledger(clock: FakeClock) -> Iterator[FaultyLedger]:
    ledger = FaultyLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Lite")
    yield ledger
    ledger.close()


def test_throttled_reads_are_tried_again(memory_ledger: FaultyLedger) -> None:
    memory_ledger.orgs.evict(org_uuid("acme"))  # a cold org: its load reads
    memory_ledger.recorder.fail("select_events", times=3)
    assert consume(memory_ledger, "acme", "u-1", "e-1").remaining == 19
    assert memory_ledger.status("acme").used == 1


def test_a_write_of_unknown_outcome_then_a_throttled_receipt_read_charges_once(
    memory_ledger: FaultyLedger,
) -> None:
    recorder = memory_ledger.recorder
    recorder.fail("insert_events", after_the_call=True)
    recorder.fail("select_events")  # the receipt check that follows
    answer = consume(memory_ledger, "acme", "u-1", "e-1")
    assert (answer.remaining, answer.replayed) == (19, True)  # found by its receipt
    assert memory_ledger.status("acme").used == 1


def test_a_store_that_stays_unavailable_is_busy_and_charges_nothing(
    memory_ledger: FaultyLedger,
) -> None:
    memory_ledger.orgs.evict(org_uuid("acme"))
    memory_ledger.recorder.fail("select_events", times=100)
    with pytest.raises(LedgerError) as caught:
        consume(memory_ledger, "acme", "u-1", "e-1")
    assert caught.value.code == "BUSY"
    memory_ledger.recorder.heal()
    assert memory_ledger.status("acme").used == 0


def test_a_read_the_store_cannot_serve_is_503_busy(memory_ledger: FaultyLedger) -> None:
    wiring.bootstrap(ledger=memory_ledger)
    memory_ledger.recorder.fail("select_events")
    try:
        answer = api.resolve(proxy_event("GET", "/orgs/acme", {"Host": "local"}, None), None)
    finally:
        wiring.bootstrap()
    assert answer["statusCode"] == 503
    assert json.loads(answer["body"])["error"]["code"] == "BUSY"
    assert answer["multiValueHeaders"]["Retry-After"] == ["1"]
