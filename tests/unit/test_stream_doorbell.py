"""Which stream records ring the projector's doorbell."""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from handlers.stream_records import doorbell

ORG = uuid.uuid4()


def record(
    stream_id: str = str(ORG),
    version: str = "3",
    topic: str | None = None,
    name: str = "INSERT",
    extra: dict[str, Any] | None = None,
) -> DynamoDBRecord:
    keys: dict[str, Any] = {"stream_id": {"S": stream_id}, "version": {"N": version}}
    image = dict(keys) | ({"topic": {"S": topic}} if topic else {}) | (extra or {})
    return DynamoDBRecord({"eventName": name, "dynamodb": {"Keys": keys, "NewImage": image}})


def test_an_org_event_rings_with_its_org_and_version() -> None:
    assert doorbell(record(topic="ledger.domain.org:Org.CreditConsumed")) == (ORG, 3)
    assert doorbell(record()) == (ORG, 3)  # no topic in the image: ring, the store decides


def test_receipts_removals_and_other_items_do_not_ring() -> None:
    assert doorbell(record(topic="ledger.domain.receipts:EnquiryReceipt.Recorded")) is None
    assert doorbell(record(name="REMOVE")) is None
    assert doorbell(record(stream_id="head#acme")) is None
    assert doorbell(record(version="0")) is None
    assert doorbell(DynamoDBRecord({"eventName": "INSERT"})) is None


def test_snapshots_do_not_ring() -> None:
    topic = "ledger.domain.org:Org"
    snapshot = {"kind": {"S": "snapshot"}}
    assert doorbell(record(version="100.5", topic=topic, extra=snapshot)) is None
    assert doorbell(record(version="100", topic=topic, extra=snapshot)) is None  # by the marker
    assert doorbell(record(version="100.5", topic=topic)) is None  # by the key
    assert doorbell(record(stream_id=f"snapshot#{ORG}", topic=topic)) is None
