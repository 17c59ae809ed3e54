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
    # Found by its receipt, which its own first attempt wrote: a first charge.
    assert (answer.remaining, answer.replayed) == (19, False)
    assert memory_ledger.status("acme").used == 1
    assert consume(memory_ledger, "acme", "u-1", "e-1").replayed  # a real repeat


def test_a_top_up_whose_answer_was_lost_is_answered_as_granted(
    memory_ledger: FaultyLedger,
) -> None:
    memory_ledger.recorder.fail("insert_events", after_the_call=True)
    answer = memory_ledger.top_up("acme", 5, top_up_id="t-1")
    assert (answer.credits, answer.replayed) == (5, False)
    assert memory_ledger.top_up("acme", 5, top_up_id="t-1").replayed


def test_a_first_charge_found_by_its_own_receipt_is_201_and_counted(
    memory_ledger: FaultyLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import metric_names
    from handlers.observability import metrics

    memory_ledger.recorder.fail("insert_events", after_the_call=True)
    body = json.dumps({"enquiry_id": "e-9", "user_id": "u-1"})
    event = proxy_event("POST", "/orgs/acme/enquiries", {"Host": "local"}, body)
    counted: list[str] = []
    monkeypatch.setattr(metrics, "add_metric", lambda name, **_: counted.append(name))
    wiring.bootstrap(ledger=memory_ledger)
    try:
        answer = api.resolve(event, None)
    finally:
        wiring.bootstrap()
    assert answer["statusCode"] == 201, answer
    assert "Idempotent-Replayed" not in json.dumps(answer["multiValueHeaders"])
    assert counted == [metric_names.CREDITS_CONSUMED]


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
