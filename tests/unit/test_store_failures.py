"""A store that cannot serve a read or write now (throttled, say): commands try
again and charge once; what still fails is BUSY (503), never an internal error."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from handlers import api, wiring
from ledger import CreditLedger, LedgerError
from localmode.gateway import proxy_event
from tests.conftest import FakeClock
from tests.unit.support import consume


def failing(times: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, except that its first `times` calls raise OperationalError."""
    left = [times]

    def call(*args: Any, **kwargs: Any) -> Any:
        if left[0] > 0:
            left[0] -= 1
            raise OperationalError("throttled")
        return real(*args, **kwargs)

    return call


@pytest.fixture
def memory_ledger(clock: FakeClock) -> Iterator[CreditLedger]:
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    ledger.set_plan("acme", "Lite")
    yield ledger
    ledger.close()


def test_throttled_reads_are_tried_again(
    memory_ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_ledger._evict(memory_ledger._writable("acme").id)  # a cold org: its load reads
    monkeypatch.setattr(memory_ledger.repository, "get", failing(3, memory_ledger.repository.get))
    assert consume(memory_ledger, "acme", "u-1", "e-1").remaining == 19
    assert memory_ledger.status("acme").used == 1


def test_a_write_of_unknown_outcome_then_a_throttled_receipt_read_charges_once(
    memory_ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, repository = memory_ledger.recorder, memory_ledger.repository
    real_insert, real_get = recorder.insert_events, repository.get

    def written_but_unanswered(*args: Any, **kwargs: Any) -> Any:
        real_insert(*args, **kwargs)
        monkeypatch.setattr(recorder, "insert_events", real_insert)
        monkeypatch.setattr(repository, "get", failing(1, real_get))  # the receipt check
        raise OperationalError("timed out")

    monkeypatch.setattr(recorder, "insert_events", written_but_unanswered)
    answer = consume(memory_ledger, "acme", "u-1", "e-1")
    assert (answer.remaining, answer.replayed) == (19, True)  # found by its receipt
    assert memory_ledger.status("acme").used == 1


def test_a_store_that_stays_unavailable_is_busy_and_charges_nothing(
    memory_ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_ledger._evict(memory_ledger._writable("acme").id)
    real_get = memory_ledger.repository.get
    monkeypatch.setattr(memory_ledger.repository, "get", failing(100, real_get))
    with pytest.raises(LedgerError) as caught:
        consume(memory_ledger, "acme", "u-1", "e-1")
    assert caught.value.code == "BUSY"
    monkeypatch.setattr(memory_ledger.repository, "get", real_get)
    assert memory_ledger.status("acme").used == 0


def test_a_read_the_store_cannot_serve_is_503_busy(
    memory_ledger: CreditLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "_ledger", memory_ledger)
    monkeypatch.setattr(memory_ledger.repository, "get", failing(1, memory_ledger.repository.get))
    answer = api.resolve(proxy_event("GET", "/orgs/acme", {"Host": "local"}, None), None)
    assert answer["statusCode"] == 503
    assert json.loads(answer["body"])["error"]["code"] == "BUSY"
    assert answer["multiValueHeaders"]["Retry-After"] == ["1"]
