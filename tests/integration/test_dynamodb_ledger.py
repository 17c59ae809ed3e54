"""The ledger on the DynamoDB store under moto: snapshots, cold reads, atomic saves."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from ledger import CreditLedger
from ledger.domain.org import Org, org_uuid
from tests.conftest import FakeClock, LedgerFactory
from tests.dynamodb_support import client

pytestmark = pytest.mark.parametrize("store", ["dynamodb"])


def _stream(table: str, stream_id: str) -> list[dict[str, Any]]:
    found = client().query(
        TableName=table,
        KeyConditionExpression="stream_id = :s",
        ExpressionAttributeValues={":s": {"S": stream_id}},
    )
    return list(found["Items"])


class OftenSnapshotted(CreditLedger):
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Org: 10}


def test_snapshots_are_taken_and_used_by_a_cold_ledger(
    clock: FakeClock, store_env: dict[str, str]
) -> None:
    ledger = OftenSnapshotted(env=store_env, clock=clock)
    ledger.set_plan("acme", "Ultimate")
    for n in range(25):
        ledger.consume_credit("acme", user_id=f"u-{n % 3}", enquiry_id=f"e-{n}")

    items = _stream(store_env["LEDGER_EVENTS_TABLE"], str(org_uuid("acme")))
    snapshots = [i["version"]["N"] for i in items if i.get("kind") == {"S": "snapshot"}]
    assert snapshots == ["10.5", "20.5"]
    assert len(items) == 27 + 2  # the events (opened, plan set, 25 consumed) and the snapshots
    cold = OftenSnapshotted(env=store_env, clock=clock)
    assert cold.status("acme") == ledger.status("acme")
    assert cold.status("acme").used == 25
    assert cold.consume_credit("acme", user_id="u-0", enquiry_id="e-0").replayed
    assert cold.status("acme", at=clock.now).used == 25


def test_a_save_writes_the_event_and_its_receipt_together(
    make_ledger: LedgerFactory, clock: FakeClock, store_env: dict[str, str]
) -> None:
    ledger = make_ledger(clock)
    ledger.set_plan("acme", "Basic")
    ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    table = store_env["LEDGER_EVENTS_TABLE"]
    org_events = _stream(table, str(org_uuid("acme")))
    assert [e["topic"]["S"].rsplit(".", 1)[-1] for e in org_events] == [
        "OrgOpened",
        "PlanSet",
        "CreditConsumed",
    ]


def test_history_pages_and_past_status(make_ledger: LedgerFactory, clock: FakeClock) -> None:
    ledger: CreditLedger = make_ledger(clock)
    ledger.set_plan("acme", "Basic")
    before = clock.now
    clock.advance(minutes=1)
    for n in range(5):
        ledger.consume_credit("acme", user_id="u-1", enquiry_id=f"e-{n}")
    page = ledger.history("acme", after=1, limit=3)
    assert [e.version for e in page.events] == [2, 3, 4]
    assert page.next_after == 4
    assert ledger.status("acme", at=before).used == 0
