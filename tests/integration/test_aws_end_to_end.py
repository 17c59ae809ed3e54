"""End to end under moto: API handler -> DynamoDB events -> the table's real stream
-> projector handler -> EventBridge rule (the deployed pattern) -> SQS -> notifier."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from adapters.alert_bus import ALERT_RULE_PATTERN, BUS_ENV
from adapters.notify import Notifier
from adapters.tables import EVENTS, PROJECTIONS
from handlers import api, notifier, wiring
from handlers import projector as projector_handler
from ledger import CreditLedger
from localmode.gateway import proxy_event
from tests.conftest import FakeClock
from tests.dynamodb_support import dynamodb_env
from tests.projection_stores import aws_test_env
from tests.projection_support import validate
from tests.stream_support import FakeContext

BUS = "ledger-alerts"


class Cloud:
    def __init__(self, clock: FakeClock) -> None:
        self.dynamodb = boto3.client("dynamodb")
        self.dynamodb.create_table(**EVENTS.create_table_kwargs())
        self.dynamodb.create_table(**PROJECTIONS.create_table_kwargs())
        self.sqs, self.events = boto3.client("sqs"), boto3.client("events")
        self.queue = self.sqs.create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.events.create_event_bus(Name=BUS)
        self.events.put_rule(
            Name="alerts", EventBusName=BUS, EventPattern=json.dumps(ALERT_RULE_PATTERN)
        )
        self.events.put_targets(
            Rule="alerts", EventBusName=BUS, Targets=[{"Id": "queue", "Arn": queue_arn}]
        )
        self.ledger = CreditLedger(env=dynamodb_env(EVENTS.default_name), clock=clock)
        self.iterators = self._shard_iterators()

    def _shard_iterators(self) -> list[str]:
        streams = boto3.client("dynamodbstreams")
        arn = self.dynamodb.describe_table(TableName=EVENTS.default_name)["Table"][
            "LatestStreamArn"
        ]
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        return [
            streams.get_shard_iterator(
                StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for s in shards
        ]

    def stream_records(self) -> list[dict[str, Any]]:
        """What the table's stream holds since the last read, as Lambda receives it."""
        streams, records, after = boto3.client("dynamodbstreams"), [], []
        for iterator in self.iterators:
            answer = streams.get_records(ShardIterator=iterator)
            records += answer["Records"]
            after.append(answer["NextShardIterator"])
        self.iterators = after
        return records

    def api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        event = proxy_event(method, path, {}, None if body is None else json.dumps(body))
        reply = api.handler(event, FakeContext(function_name="api"))
        return {"status": reply["statusCode"], "body": json.loads(reply["body"])}

    def queued(self) -> list[dict[str, Any]]:
        found = []
        while batch := self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get(
            "Messages"
        ):
            found += [json.loads(m["Body"]) for m in batch]
        return found


@pytest.fixture
def cloud(clock: FakeClock) -> Iterator[Cloud]:
    aws_test_env()
    os.environ[BUS_ENV] = BUS
    with mock_aws():
        made = Cloud(clock)
        wiring.bootstrap(ledger=made.ledger)
        yield made
        wiring.bootstrap()
        made.ledger.close()


def consume(cloud: Cloud, org: str, count: int) -> None:
    for _ in range(count):
        n = consume.n = getattr(consume, "n", 0) + 1  # type: ignore[attr-defined]
        reply = cloud.api("POST", f"/orgs/{org}/enquiries", {"enquiry_id": f"e{n}", "user_id": "u"})
        assert reply["status"] == 201, reply


def test_alerts_flow_from_api_to_queue(cloud: Cloud, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 29, tzinfo=UTC))
    assert cloud.api("PUT", "/orgs/acme/plan", {"plan": "Lite"})["status"] == 200
    consume(cloud, "acme", 20)  # NearLimit at 18 (the last two would go by tomorrow), then 20
    clock.set(datetime(2026, 11, 1, tzinfo=UTC))
    cloud.api("PUT", "/orgs/trial-co/plan", {"plan": "Trial"})
    clock.set(datetime(2026, 11, 2, tzinfo=UTC))
    consume(cloud, "trial-co", 3)  # three reports on its second day: no pace, no NearLimit

    records = cloud.stream_records()
    assert len(records) >= 2 * 23  # org events and their receipts
    answer = projector_handler.handler({"Records": records}, FakeContext())
    assert answer == {"batchItemFailures": []}
    projector_handler.handler({"Records": records[::-1]}, FakeContext())  # again, reversed

    clock.set(datetime(2026, 11, 29, 12, tzinfo=UTC))
    assert cloud.api("POST", "/orgs/acme/top-ups", {"credits": 5})["status"] == 201
    consume(cloud, "acme", 5)  # LimitReached again, at 25
    projector_handler.handler({"Records": cloud.stream_records()}, FakeContext())

    arrived = cloud.queued()
    got = sorted(
        (e["detail-type"], e["detail"]["org_id"], e["detail"]["period"], e["detail"]["rule"],
         e["detail"]["limit"], e["detail"]["used"])
        for e in arrived
    )  # fmt: skip
    assert got == [
        ("LimitReached", "acme", "2026-11", "exhausted", 20, 20),
        ("LimitReached", "acme", "2026-11", "exhausted", 25, 25),
        ("NearLimit", "acme", "2026-11", "runway", 20, 18),
    ]
    for event in arrived:
        assert event["source"] == "credit-ledger"
        validate(event)

    usage = cloud.api("GET", "/orgs/acme/usage?month=2026-11")
    assert usage["status"] == 200
    assert usage["body"] | {"by_user": None} == {
        "org_id": "acme", "month": "2026-11", "plan": "Lite", "limit": 25, "used": 25,
        "remaining": 0, "top_up_credits": 5, "by_user": None,
    }  # fmt: skip

    seen: list[dict[str, Any]] = []

    class Recording(Notifier):
        def notify(self, event: dict[str, Any]) -> None:
            seen.append(event)

    wiring.bootstrap(notifier=Recording())
    try:
        for event in arrived:
            notifier.handler(event, FakeContext(function_name="notifier"))
    finally:
        wiring.bootstrap()
    assert sorted(e["detail"]["alert_id"] for e in seen) == sorted(
        e["detail"]["alert_id"] for e in arrived
    )
